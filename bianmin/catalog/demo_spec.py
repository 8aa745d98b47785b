"""The shape of a demo catalogue item (bianmin.catalog.demo) and what many items share: the short names of time
limits and material forms, the materials most items ask for, and where they are handled."""

from __future__ import annotations

from dataclasses import dataclass, field

from bianmin.catalog.choices import LimitUnit, MaterialForm

WD, CD = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS
ORIG, C, OC, EL = MaterialForm.ORIGINAL, MaterialForm.COPY, MaterialForm.ORIGINAL_AND_COPY, MaterialForm.ELECTRONIC

# Materials many items ask for: (name, required, form, copies, source).
Material = tuple[str, bool, str, int, str]
ID_CARD: Material = ("申请人居民身份证", True, ORIG, 1, "公安机关核发")
HOUSEHOLD: Material = ("居民户口簿", True, ORIG, 1, "公安机关核发")
BANK: Material = ("本人社会保障卡或银行账户信息", True, C, 1, "金融机构核发")
PROXY_ID: Material = ("代办人居民身份证及委托书（委托代办时）", False, OC, 1, "申请人自备")
PHOTO: Material = ("近期免冠一寸彩色照片", True, ORIG, 2, "申请人自备")

COUNTY_HALL = "奉节县行政服务中心（永安街道白帝大道）{window}"
TOWNSHIP_HALL = "户籍所在乡镇（街道）便民服务中心；可由村（社区）便民服务站代办"
VILLAGE_HALL = "户籍所在村（社区）便民服务站，或乡镇（街道）便民服务中心"


@dataclass
class Spec:
    serial: int
    name: str
    dept: str  # unit code suffix: RSJ, MZJ, … or a township code
    kind: str
    levels: list[str]
    forms: list[str]
    legal: tuple[int, str]
    promised: tuple[int, str]
    trips: int
    events: list[str]
    basis: str
    conditions: str
    process: str
    materials: list[Material]
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    delegated: bool = False
    joint: bool = False  # 联合办理 (行政许可法 第26条): the legal limit is 45 working days (第42条)
    entrusted: str = ""
    place: str = ""
    objects: list[str] = field(default_factory=lambda: ["person"])
    fee_basis: str = ""
