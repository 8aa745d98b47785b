"""Every action of both workflows × every persona, over the HTTP API (DESIGN §4.3, §6.3, §8).

For each action a case stands where the action applies, once in 浣花村's county (in the scope of some
personas) and once in 其他县 (in no one's scope but the outsider's). Each persona then asks for it:
`POST /api/v1/cases/{number}/actions/{action}` answers 200 (done), 403 (the persona sees the case but may not
take the action) or 404 (the persona does not see the case); the action is offered on the case's detail
(`actions`) and page (its forms) exactly to those who may take it; and a case is in a persona's list exactly
when the detail shows it.

Who may do what is written out below from the roles (org/permissions.py) and the workflow's tables
(cases/workflow.py), never read from them: a refactor that changes any cell fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.services import perform
from bianmin.cases.tests.factories import new_application, new_case
from bianmin.org.choices import Role
from bianmin.org.models import User
from bianmin.org.tests.factories import member

# --- who is who ---------------------------------------------------------------------------------------
# The personas of the `county` fixture, and a second citizen of 浣花村 (`neighbour`) whose cases these are not.
COUNTY_PERSONAS = [
    "villager",
    "cadre_a",
    "cadre_b",
    "work_team",
    "township_staff",
    "township_leader",
    "township_admin",
    "window",
    "dept",
    "supervisor",
    "inspector",
    "county_admin",
    "outsider",
]
NOBODY: frozenset[str] = frozenset()
OUTSIDER = frozenset({"outsider"})

# A grievance of 浣花村, handled there, its citizen the villager (ROLE_PERMISSIONS: citizens hold nothing;
# village cadres, work teams, township staff, windows and departments handle; a township leader also approves
# extensions; a supervisor views, supervises and approves; an inspector only views; an administrator does
# everything; each over the subtree of their unit, a work team also over the villages it is stationed in).
G_SEES = frozenset(
    {
        "villager",  # her own case
        "cadre_a",
        "work_team",
        "township_staff",
        "township_leader",
        "township_admin",
        "supervisor",
        "county_admin",
    }
)
G_HANDLE = frozenset({"cadre_a", "work_team", "township_staff", "township_leader", "township_admin", "county_admin"})
G_SUPERVISE = frozenset({"township_admin", "supervisor", "county_admin"})
G_APPROVE = frozenset({"township_leader", "township_admin", "supervisor", "county_admin"})
G_HANDLE_OR_CITIZEN = G_HANDLE | {"villager"}
G_REOPEN = G_HANDLE | {"supervisor", "villager"}  # handle or supervise, or the case's own citizen

# action: (who may take it on the 浣花村 case, who may on the 其他村 case, handled by a village cadre there)
GRIEVANCE_MAY: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accept": (G_HANDLE, OUTSIDER),
    "refuse": (G_HANDLE, OUTSIDER),
    "answer": (G_HANDLE, OUTSIDER),
    "assign": (G_HANDLE, OUTSIDER),
    "transfer": (G_HANDLE, OUTSIDER),
    "escalate": (G_HANDLE, OUTSIDER),
    "return": (G_HANDLE, OUTSIDER),
    "supervise": (G_SUPERVISE, NOBODY),
    "extend": (G_APPROVE, NOBODY),
    "pause": (G_HANDLE, OUTSIDER),
    "resume": (G_HANDLE, OUTSIDER),
    "classify": (G_HANDLE, OUTSIDER),
    "consult": (G_HANDLE, OUTSIDER),
    "reply": (G_HANDLE, OUTSIDER),
    "complete": (G_HANDLE, OUTSIDER),
    "rate": (G_HANDLE_OR_CITIZEN, OUTSIDER),
    "reopen": (G_REOPEN, OUTSIDER),
    "appeal_rating": (G_HANDLE, OUTSIDER),
    "review_appeal": (G_SUPERVISE, NOBODY),
    "rectify": (G_HANDLE, OUTSIDER),
    "call_back": (G_HANDLE | G_SUPERVISE, OUTSIDER),
    "merge": (G_HANDLE, OUTSIDER),
    "withdraw": (G_HANDLE_OR_CITIZEN, OUTSIDER),
}

# An application filed by 浣花村's cadre for the villager lands at 白帝镇, which checks it (and decides it when
# the item is delegated down); one forwarded to 县民政局 is decided there. Both concern 浣花村, so its cadre and
# work team see them without handling them. One filed in 其他村 lands at 其他镇: the outsider sees it through
# the village, and no one handles it.
A_SEES_TOWNSHIP = G_SEES
A_SEES_COUNTY = G_SEES | {"mzj_staff"}
A_HANDLE_TOWNSHIP = frozenset({"township_staff", "township_leader", "township_admin", "county_admin"})
A_SUPERVISE_TOWNSHIP = frozenset({"township_admin", "supervisor", "county_admin"})
A_APPROVE_TOWNSHIP = frozenset({"township_leader", "township_admin", "supervisor", "county_admin"})
A_HANDLE_COUNTY = frozenset({"mzj_staff", "county_admin"})
A_SUPERVISE_COUNTY = frozenset({"supervisor", "county_admin"})
A_APPROVE_COUNTY = frozenset({"supervisor", "county_admin"})

# Who sees an application, by where it stands. "township": 最低生活保障申请,
# delegated down (白帝镇 decides); "forwarding": 高龄津贴申领 at 白帝镇 (县民政局 decides); "county": the same,
# forwarded to 县民政局; "away" and "away_forwarding": as "township" and "forwarding", filed in 其他村.
A_SEES = {
    "township": A_SEES_TOWNSHIP,
    "forwarding": A_SEES_TOWNSHIP,
    "county": A_SEES_COUNTY,
    "away": OUTSIDER,
    "away_forwarding": OUTSIDER,
}

# action: [(where the application stands, who may take the action there), ...]
APPLICATION_MAY: dict[str, list[tuple[str, frozenset[str]]]] = {
    "request_supplement": [("township", A_HANDLE_TOWNSHIP), ("away", NOBODY)],
    # or online by her, or by the cadre who filed it for her (代办: cadre_a at home, the outsider away)
    "supplement": [("township", A_HANDLE_TOWNSHIP | {"villager", "cadre_a"}), ("away", OUTSIDER)],
    "accept": [("township", A_HANDLE_TOWNSHIP), ("away", NOBODY)],
    "refuse": [("township", A_HANDLE_TOWNSHIP), ("away", NOBODY)],
    "review": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "forward": [("forwarding", A_HANDLE_TOWNSHIP), ("away_forwarding", NOBODY)],
    "special_procedure": [("township", A_HANDLE_TOWNSHIP), ("away", NOBODY)],
    "resume": [("township", A_HANDLE_TOWNSHIP), ("away", NOBODY)],
    "extend": [("township", A_APPROVE_TOWNSHIP), ("county", A_APPROVE_COUNTY), ("away", NOBODY)],
    "supervise": [("township", A_SUPERVISE_TOWNSHIP), ("county", A_SUPERVISE_COUNTY), ("away", NOBODY)],
    "approve": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "deny": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "deliver": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "rate": [
        ("township", A_HANDLE_TOWNSHIP | {"villager"}),
        ("county", A_HANDLE_COUNTY | {"villager"}),
        ("away", NOBODY),
    ],
    "appeal_rating": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "review_appeal": [("township", A_SUPERVISE_TOWNSHIP), ("county", A_SUPERVISE_COUNTY), ("away", NOBODY)],
    "rectify": [("township", A_HANDLE_TOWNSHIP), ("county", A_HANDLE_COUNTY), ("away", NOBODY)],
    "call_back": [
        ("township", A_HANDLE_TOWNSHIP | A_SUPERVISE_TOWNSHIP),
        ("county", A_HANDLE_COUNTY | A_SUPERVISE_COUNTY),
        ("away", NOBODY),
    ],
    "withdraw": [("township", A_HANDLE_TOWNSHIP | {"villager", "cadre_a"}), ("away", OUTSIDER)],
}


# --- what each action is asked with, and what brings a case to where it applies --------------------------
SOON = "<three days from now>"  # supervise's new deadline, made when the request is sent

GRIEVANCE_FIELDS: dict[str, dict[str, Any]] = {
    "refuse": {"reason": "已进入诉讼程序", "proper_channel": "人民法院"},
    "answer": {"reply": "已电话答复政策。"},
    "escalate": {"note": "村级无法解决"},
    "return": {"reason": "不属于本单位职责"},
    "supervise": {"due_at": SOON, "note": "请加快办理"},
    "extend": {"amount": 2, "reason": "需现场勘查"},
    "pause": {"reason": "等待群众补充材料"},
    "classify": {"classification": "reasonable"},
    "consult": {"assist_units": ["500236-RSJ"], "note": "与县人社局会商：由镇政府牵头，人社局配合核实"},
    "reply": {"reply": "已安排施工队修复。"},
    "rate": {"rating": 5},
    "reopen": {"reason": "问题没有解决"},
    "appeal_rating": {"reason": "评价人与本事项无关，系恶意差评"},
    "review_appeal": {"decision": "upheld", "note": "经核实属恶意差评"},
    "rectify": {"note": "已重新修复并加装护栏"},
    "call_back": {"note": "已电话回访，群众认可整改"},
    "withdraw": {"reason": "群众自行解决"},
}
# The fields that depend on where the case is: (浣花村, 其他村).
GRIEVANCE_PLACE_FIELDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "assign": ({"handler": "cadre_a"}, {"handler": "outsider"}),
    "transfer": ({"to_unit": "500236101202"}, {"to_unit": "500237101000"}),  # 石马村, 其他镇
}

APPLICATION_FIELDS: dict[str, dict[str, Any]] = {
    "request_supplement": {"missing": [1, 2]},
    "refuse": {"reason": "申请人不属于本镇户籍", "proper_channel": "户籍所在地乡镇人民政府"},
    "review": {"handler": "township_staff"},
    "forward": {"note": "初审符合条件，报县民政局审批"},
    "special_procedure": {"procedure": "hearing", "reason": "利害关系人申请听证"},
    "extend": {"amount": 10, "reason": "需在村公示7天"},
    "supervise": {"due_at": SOON, "note": "请加快办理"},
    "deny": {"reason": "申请人不符合条件"},
    "deliver": {"delivery_method": "post"},
    "rate": {"rating": 5},
    "appeal_rating": {"reason": "评价人与本事项无关"},
    "review_appeal": {"decision": "upheld", "note": "经核实属恶意差评"},
    "rectify": {"note": "已向申请人补充说明审批依据"},
    "call_back": {"note": "已电话回访申请人"},
    "withdraw": {"reason": "申请人自愿撤回"},
}

# The actions, taken by the platform's superuser, that bring a fresh case to where `action` applies.
# Grievances are taken in accepted; "submitted" is a citizen's own submission awaiting acceptance.
GRIEVANCE_BEFORE: dict[str, list[str]] = {
    "accept": ["submitted"],
    "refuse": ["submitted"],
    "return": ["transfer_away", "transfer_back"],  # sent here by another unit, to be sent back
    "resume": ["pause"],
    "complete": ["reply"],
    "rate": ["answer"],
    "reopen": ["answer"],
    "appeal_rating": ["answer", "rate_badly"],
    "review_appeal": ["answer", "rate_badly", "appeal_rating"],
    "rectify": ["answer", "rate_badly"],
    "call_back": ["answer", "rate_badly"],
}
# Applications are filed submitted. At 白帝镇 (or 其他镇):
CHECKED = ["accept", "review"]
DECIDED = [*CHECKED, "approve"]
APPLICATION_BEFORE: dict[str, list[str]] = {
    "supplement": ["request_supplement"],
    "review": ["accept"],
    "forward": CHECKED,
    "special_procedure": CHECKED,
    "resume": [*CHECKED, "special_procedure"],
    "extend": CHECKED,
    "approve": CHECKED,
    "deny": CHECKED,
    "deliver": DECIDED,
    "rate": [*DECIDED, "deliver"],
    "appeal_rating": [*DECIDED, "deliver", "rate_badly"],
    "review_appeal": [*DECIDED, "deliver", "rate_badly", "appeal_rating"],
    "rectify": [*DECIDED, "deliver", "rate_badly"],
    "call_back": [*DECIDED, "deliver", "rate_badly"],
}
# At 县民政局: the township checked it and forwarded it; there it is reviewed again and decided.
FORWARDED = [*CHECKED, "forward"]
AT_THE_COUNTY_BEFORE: dict[str, list[str]] = {
    "review": FORWARDED,
    "supervise": FORWARDED,
    "extend": [*FORWARDED, "review"],
    "approve": [*FORWARDED, "review"],
    "deny": [*FORWARDED, "review"],
    "deliver": [*FORWARDED, "review", "approve"],
    "rate": [*FORWARDED, "review", "approve", "deliver"],
    "appeal_rating": [*FORWARDED, "review", "approve", "deliver", "rate_badly"],
    "review_appeal": [*FORWARDED, "review", "approve", "deliver", "rate_badly", "appeal_rating"],
    "rectify": [*FORWARDED, "review", "approve", "deliver", "rate_badly"],
    "call_back": [*FORWARDED, "review", "approve", "deliver", "rate_badly"],
}
SETUP_FIELDS: dict[str, dict[str, Any]] = {
    **GRIEVANCE_FIELDS,
    **APPLICATION_FIELDS,
    "review": {"handler": "root"},
    "assign": {"handler": "root"},
    "rate_badly": {"rating": 1},
}


def setup(case: Case, steps: list[str], root: User, moves: dict[str, str]) -> Case:
    for step in steps:
        action = {"transfer_away": "transfer", "transfer_back": "transfer", "rate_badly": "rate"}.get(step, step)
        fields = {"to_unit": moves[step]} if step in moves else dict(SETUP_FIELDS.get(step, {}))
        if fields.get("due_at") == SOON:
            fields["due_at"] = timezone.now() + timedelta(days=3)
        case = perform(case, action, actor=root, version=case.version, **fields)
    return case


# --- the matrix -----------------------------------------------------------------------------------------
@dataclass
class Row:
    action: str
    where: str
    sees: frozenset[str]
    may: frozenset[str]
    build: Callable[[], Case]  # a fresh case where the action applies
    fields: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.action} on the {self.where} case"


FORM = re.compile(r'<input type="hidden" name="action" value="([a-z_]+)">')


def check(rows: list[Row], people: dict[str, User], api_as: Any) -> list[str]:
    """Every row × persona; the mismatches, each naming the action, the case, the persona, what was expected
    and what came."""
    apis = {name: api_as(person) for name, person in people.items()}
    pages = {name: Client() for name in people}
    for name, person in people.items():
        pages[name].force_login(person)
    problems: list[str] = []
    # One case per row that every persona is shown and the refused ones act on; the last allowed acts on it too.
    shared = {id(row): row.build() for row in rows}
    # Given each case where its action applies, each persona finds in its list exactly the cases it sees
    for name, api in apis.items():
        listed: set[str] = set()
        for offset in range(0, 2000, 200):
            items = api.get("/cases", limit=200, offset=offset).json()["items"]
            listed |= {item["number"] for item in items}
            if len(items) < 200:
                break
        for row in rows:
            found = shared[id(row)].number in listed
            if found != (name in row.sees):
                problems.append(f"{row} as {name}: in the list {found}, expected {name in row.sees}")
    # and on its detail and page exactly the actions it may take; the others it is refused
    for row in rows:
        case = shared[id(row)]
        for name in people:
            detail = apis[name].get(f"/cases/{case.number}")
            page = pages[name].get(f"/cases/{case.number}/")
            if name not in row.sees:
                if (detail.status_code, page.status_code) != (404, 404):
                    problems.append(f"{row} as {name}: detail {detail.status_code}, page {page.status_code}, not 404")
            elif (detail.status_code, page.status_code) != (200, 200):
                problems.append(f"{row} as {name}: detail {detail.status_code}, page {page.status_code}, not 200")
            else:
                offered = {a["action"] for a in detail.json()["actions"]}
                if (row.action in offered) != (name in row.may):
                    problems.append(f"{row} as {name}: offered {row.action in offered}, expected {name in row.may}")
                forms = set(FORM.findall(page.content.decode()))
                if (row.action in forms) != (name in row.may):
                    problems.append(
                        f"{row} as {name}: a form on the page {row.action in forms}, expected {name in row.may}"
                    )
            if name not in row.may:
                problems += act(apis[name], row, case, name)
    # When those who may take it do, each on a fresh case (the last on the shared one), it is done
    for row in rows:
        case = shared[id(row)]
        if Case.objects.get(pk=case.pk).version != case.version:
            problems.append(f"{row}: a refused request changed the case")
            continue
        allowed = [name for name in people if name in row.may]
        for name in allowed:
            problems += act(apis[name], row, case if name == allowed[-1] else row.build(), name)
    return problems


def act(api: Any, row: Row, case: Case, name: str) -> list[str]:
    expected = 200 if name in row.may else 403 if name in row.sees else 404
    body = {"version": case.version, **row.fields}
    if body.get("due_at") == SOON:
        body["due_at"] = (timezone.now() + timedelta(days=3)).isoformat()
    response = api.post(f"/cases/{case.number}/actions/{row.action}", body)
    if response.status_code != expected:
        return [
            f"{row} as {name}: answered {response.status_code} {response.content.decode()[:200]}, expected {expected}"
        ]
    if expected == 200:
        done = response.json()
        if (done["version"], done["events"][-1]["action"]) != (case.version + 1, row.action):
            return [f"{row} as {name}: done, but version {done['version']}, last event {done['events'][-1]}"]
    return []


def neighbour(county) -> User:
    """Another citizen of 浣花村, with her own account: these cases are not hers."""
    return member(county["huanhua"], Role.CITIZEN, username="neighbour", phone="13600003333")


def test_every_grievance_action_for_every_persona(county, api_as):
    # Given the county's personas and a second citizen, and for each action a case of 浣花村 (its citizen the
    # villager) and one of 其他村 where the action applies
    people = {name: county.people[name] for name in COUNTY_PERSONAS} | {"neighbour": neighbour(county)}
    root, villager = county.people["root"], county.people["villager"]
    places = {
        # village, the filer, the case's citizen, the transfers that bring it back to be returned
        "浣花村": (county["huanhua"], county.people["cadre_a"], villager, "500236101202", "500236101201"),
        "其他村": (county["other_village"], county.people["outsider"], None, "500237101000", "500237101201"),
    }
    masters = {where: new_case(filer, village=village) for where, (village, filer, *_rest) in places.items()}

    def builder(action: str, where: str) -> Callable[[], Case]:
        village, filer, citizen, away, back = places[where]
        steps = GRIEVANCE_BEFORE.get(action, [])
        submitted = steps[:1] == ["submitted"]

        def build() -> Case:
            case = new_case(filer, village=village, citizen=citizen, submitted=submitted)
            moves = {"transfer_away": away, "transfer_back": back}
            return setup(case, steps[1:] if submitted else steps, root, moves)

        return build

    rows = []
    for action, (home_may, away_may) in GRIEVANCE_MAY.items():
        for i, (where, sees, may) in enumerate([("浣花村", G_SEES, home_may), ("其他村", OUTSIDER, away_may)]):
            fields = {**GRIEVANCE_FIELDS.get(action, {}), **GRIEVANCE_PLACE_FIELDS.get(action, ({}, {}))[i]}
            if action == "merge":
                fields["master"] = masters[where].number
            rows.append(Row(action, where, sees, may, builder(action, where), fields))
    # When each persona looks at each case and takes its action, then everything is as the tables say
    problems = check(rows, people, api_as)
    assert not problems, "\n".join(problems)


def test_every_application_action_for_every_persona(county, items, api_as):
    # Given the county's personas, 县民政局's clerk and a second citizen, and for each action applications
    # where it applies: at 白帝镇 (filed by 浣花村's cadre for the villager), at 县民政局, and at 其他镇
    people = {name: county.people[name] for name in COUNTY_PERSONAS} | {
        "mzj_staff": items.mzj_staff,
        "neighbour": neighbour(county),
    }
    root = county.people["root"]
    home, outsider = (county["huanhua"], county.people["cadre_a"]), (county["other_village"], county.people["outsider"])
    places = {
        # the village and its filer, the item, the actions before (by action), the review's handler
        "township": (home, items.subsistence, APPLICATION_BEFORE, "township_staff"),
        "forwarding": (home, items.allowance, APPLICATION_BEFORE, "township_staff"),
        "county": (home, items.allowance, AT_THE_COUNTY_BEFORE, "mzj_staff"),
        "away": (outsider, items.subsistence, APPLICATION_BEFORE, "outsider"),
        "away_forwarding": (outsider, items.allowance, APPLICATION_BEFORE, "outsider"),
    }

    def builder(action: str, where: str) -> Callable[[], Case]:
        (village, filer), item, before, _handler = places[where]
        phone = "13900001111" if village == county["huanhua"] else "13700002222"  # the villager's, or no one's

        def build() -> Case:
            case = new_application(filer, item, village=village, citizen_phone=phone)
            return setup(case, before.get(action, []), root, {})

        return build

    rows = []
    for action, cells in APPLICATION_MAY.items():
        for where, may in cells:
            fields = {**APPLICATION_FIELDS.get(action, {})}
            if action == "review":
                fields["handler"] = places[where][3]
            rows.append(Row(action, where, A_SEES[where], may, builder(action, where), fields))
    # When each persona looks at each application and takes its action, then everything is as the tables say
    problems = check(rows, people, api_as)
    assert not problems, "\n".join(problems)
