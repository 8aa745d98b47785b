"""What the demo applications say (`bianmin.demo.applications`): per catalogue item, the applicant's
request and the wording of each step a handler writes, as a county's staff would write them. Official
wording is Chinese whatever the interface language, so it is written here in Chinese, not translated.

Placeholders in `content`: {village} {township} {group} {age} {n} {area} {month} {surname} {father}."""

from __future__ import annotations

from dataclasses import dataclass

from bianmin.cases.choices import SpecialProcedure


@dataclass(frozen=True)
class ItemText:
    content: str
    approve: str = ""
    deny: str = "经审查，申请人不符合该事项规定的条件。"
    special: tuple[str, str] = (SpecialProcedure.ON_SITE, "现场核实申请材料所述情况。")
    refuse: tuple[str, str] = (
        "申请人户籍和经常居住地均不在本辖区，申请事项不属于本机关受理范围。",
        "户籍所在地乡镇人民政府（街道办事处）",
    )
    withdraw: str = "申请人表示暂不办理，申请撤回。"
    missing_note: str = ""
    forward: str = "经审查，申请材料齐全，情况属实，符合条件，报{unit}审批。"
    extension: str = "需在村务公开栏公示7天并组织民主评议，20个工作日内不能作出决定，经负责人批准延长10个工作日。"


TEXTS: dict[str, ItemText] = {
    "高龄津贴申领": ItemText(
        content="申请人今年{age}周岁，户籍在{village}{group}，行动不便，由村便民服务站代为申请高龄津贴。",
        approve="经核实申请人年满80周岁，自次月起按月发放高龄津贴至本人社会保障卡。",
        forward="经入户核实，申请人年满80周岁且户籍在本镇，材料齐全，报{unit}审批。",
    ),
    "最低生活保障申请": ItemText(
        content="家中{n}口人，配偶患慢性病长期服药、丧失劳动能力，孩子在读高中，家庭收入主要靠打零工，"
        "申请最低生活保障。",
        approve="经入户调查、民主评议和公示无异议，纳入农村最低生活保障，自次月起按月发放低保金。",
        deny="经入户调查和家庭经济状况信息核对，申请人家庭人均月收入高于本县农村低保标准，"
        "且家庭成员名下登记有小型客车一辆。",
        special=(SpecialProcedure.ON_SITE, "入户调查核实家庭收入和财产状况，并在村务公开栏公示7天。"),
        withdraw="申请人家庭成员外出务工，收入增加，主动申请撤回。",
        missing_note="家庭成员收入证明需由务工单位盖章。",
    ),
    "临时救助": ItemText(
        content="家中房屋{month}月因电线老化失火，厨房和部分家具烧毁，生活一时困难，申请临时救助。",
        approve="经核实属于急难型临时救助对象，给予临时救助金2000元，打卡发放。",
    ),
    "特困人员救助供养申请": ItemText(
        content="申请人今年{age}岁，无劳动能力、无生活来源，老伴已去世，申请特困人员救助供养（分散供养）。",
        deny="经核查，申请人之子具有赡养能力，不符合特困人员认定条件；可另行申请最低生活保障。",
        missing_note="请补充村委会出具的无法定赡养人情况说明。",
    ),
    "城乡居民基本养老保险待遇领取": ItemText(
        content="申请人已年满60周岁，累计缴费满15年，申请按月领取城乡居民基本养老金。",
        approve="核定基础养老金和个人账户养老金，自次月起按月发放至社会保障卡。",
    ),
    "困难残疾人生活补贴和重度残疾人护理补贴申请": ItemText(
        content="申请人持有肢体二级残疾人证，家庭为低保户，申请困难残疾人生活补贴和重度残疾人护理补贴。",
        approve="符合条件，自次月起按月发放困难残疾人生活补贴和重度残疾人护理补贴。",
    ),
    "城乡居民养老保险参保人员丧葬补助金申领": ItemText(
        content="申请人的父亲{father}于{month}月病故，生前参加城乡居民基本养老保险并领取待遇，申领丧葬补助金。",
        approve="核定丧葬补助金，一次性发放至申请人银行账户。",
        forward="已核对死亡证明和户籍注销信息，材料齐全，报{unit}审核。",
        missing_note="请补充申请人与死者的亲属关系证明。",
    ),
    "农村危房改造补助申请": ItemText(
        content="{village}{group}的土木结构住房墙体开裂、屋面漏雨，经村里初步排查属于危房，申请危房改造补助。",
        approve="经鉴定为C级危房，纳入年度农村危房改造计划，按维修加固标准给予补助，竣工验收后拨付。",
        special=(SpecialProcedure.ON_SITE, "委托专业机构开展农房安全性鉴定。"),
        extension="需等待房屋安全性鉴定报告并公示，经负责人批准延长10个工作日。",
    ),
    "耕地地力保护补贴发放": ItemText(
        content="申请人承包耕地{area}亩，种植玉米和红薯，申请发放耕地地力保护补贴。",
        approve="经村组核实种植面积，核定补贴面积{area}亩，补贴资金通过惠民惠农财政补贴资金“一卡通”发放。",
    ),
    "农村宅基地建房审批": ItemText(
        content="申请人一家{n}口，现住房为危房，申请在{village}{group}原宅基地拆旧建新，占地面积120平方米。",
        approve="经联审，符合村庄规划和一户一宅规定，批准使用宅基地120平方米，核发《农村宅基地批准书》"
        "和《乡村建设规划许可证》。开工前请申请“定桩放线”。",
        special=(SpecialProcedure.ON_SITE, "组织农业农村、自然资源等部门现场踏勘选址。"),
        missing_note="村民小组会议记录需附参会人员签字。",
    ),
    "乡村建设规划许可证核发": ItemText(
        content="申请人拟在{village}{group}新建两层砖混结构住房，建筑面积240平方米，申请乡村建设规划许可证。",
        special=(SpecialProcedure.EXPERT_REVIEW, "建设地点邻近地质灾害隐患点，组织专家评估选址安全性。"),
        refuse=("申请的建设地点不在本镇行政区域内，不属于本机关受理范围。", "建设地点所在乡镇人民政府"),
    ),
    "城乡居民基本医疗保险参保登记": ItemText(
        content="为本人办理城乡居民基本医疗保险参保登记。",
        approve="已完成参保登记，请在缴费期内通过手机或银行缴纳个人缴费。",
    ),
    "城乡居民基本养老保险参保登记": ItemText(
        content="申请人外出务工返乡，申请参加城乡居民基本养老保险。",
        approve="已完成参保登记，可选择缴费档次按年缴费。",
    ),
    "家庭经济困难学生资助申请": ItemText(
        content="孩子在县城读高一，家庭为脱贫户，申请普通高中国家助学金。",
        approve="认定为家庭经济困难学生，给予普通高中国家助学金每生每年2000元，分学期发放。",
    ),
    "户口迁移": ItemText(
        content="申请人婚后申请将户口从外县迁入{village}{group}。",
        withdraw="申请人决定暂不迁移户口，申请撤回。",
    ),
    "农机购置补贴": ItemText(
        content="购买微耕机一台，已取得购机发票，申请农机购置补贴。",
        approve="经核验机具和发票，补贴资金1200元直接发放至申请人“一卡通”账户。",
        withdraw="申请人表示已在购机地申领补贴，申请撤回。",
        missing_note="请补充机具铭牌和人机合影照片。",
    ),
    "残疾人证办理": ItemText(
        content="申请人因车祸致左下肢功能障碍，申请办理残疾人证。",
        approve="经指定医院评定为肢体残疾三级，核发第三代智能化残疾人证。",
    ),
    "个体工商户设立登记": ItemText(
        content="申请在{township}开设“{surname}记副食店”，经营预包装食品和日用百货。",
        approve="准予设立登记，核发营业执照。",
    ),
    "食品经营许可（小餐饮）": ItemText(
        content="申请人在{township}租用门面开办“{surname}家面馆”，经营面积60平方米，申请小餐饮食品经营许可。",
        approve="经现场核查，经营场所和设施符合要求，核发食品经营许可证。",
        missing_note="请补充经营场所平面布局图和从业人员健康证明。",
    ),
    "创业担保贷款申请": ItemText(
        content="申请人返乡创业养殖山羊，申请创业担保贷款15万元。",
        deny="经审核，申请人有未结清的个人经营性贷款，不符合创业担保贷款申请条件。",
    ),
    "城乡居民医保费用零星报销": ItemText(
        content="申请人在外省住院治疗，因未办理异地就医备案未能直接结算，申请零星报销住院费用8650元。",
        approve="经审核，按规定报销住院费用4920元，打卡发放。",
    ),
    "职业技能培训补贴申领": ItemText(
        content="申请人参加中式烹调师（五级）培训并取得职业技能等级证书，申领职业技能培训补贴。",
    ),
    "动物防疫条件合格证核发": ItemText(
        content="申请人在{village}{group}建设生猪养殖场，设计存栏500头，申请动物防疫条件合格证。",
        special=(SpecialProcedure.ON_SITE, "组织现场审核选址、布局和防疫设施设备。"),
    ),
    "失业保险金申领": ItemText(
        content="申请人所在企业停产，已办理失业登记，申领失业保险金。",
        approve="核定领取失业保险金12个月，按月发放。",
        refuse=("申请人的失业保险关系在重庆市渝中区，不属于本机关受理范围。", "参保地（渝中区）社会保险经办机构"),
    ),
    "结婚登记": ItemText(
        content="申请人与对方自愿结婚，申请办理结婚登记。",
        approve="双方符合结婚条件，予以登记，发给结婚证。",
    ),
    "出生医学证明首次签发": ItemText(content="孩子在县人民医院出生，申请首次签发出生医学证明。"),
    "异地就医备案": ItemText(content="申请人长期在广东省东莞市务工，申请办理异地长期居住就医备案。"),
}

RATING_COMMENTS: dict[int, list[str]] = {
    5: ["办事效率高，态度好。", "很方便，谢谢！", ""],
    4: ["比预想的快。", "总体满意。", ""],
    3: ["办是办好了，就是等的时间有点长。"],
    2: ["超过承诺时间很久才办好，中间没人告知进度。"],
    1: ["一直拖着不办。"],
}
PROXY_COMMENTS = ["村干部上门代办，一趟都没跑。", "在村里就办好了，不用跑镇上。"]
