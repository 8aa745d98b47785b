"""The demo county's village affairs: for every village and community, its register, a publicity catalogue,
a year of publications (published on time or a little late, the latest ones awaiting signature, one overdue),
a decision through all six steps of 四议两公开 with its road project, ledger and completion notice, a decision
blocked at the Party members' meeting for lack of quorum, its village rules adopted and published, and one
conflict-of-interest flag (a cadre's relative's business paid from the project) with its supervision case, and
a second one (the cadre's son paid for hauling) that the township has checked and closed.

Deterministic for a seed (and the day it runs); running it again completes the villages that have no catalogue
yet and never duplicates. Written in bulk: the rows of all villages go in a few statements each."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from stdnum.cn import ric, uscc

from bianmin.org.choices import PLACE_KINDS, Role
from bianmin.org.models import Membership, Unit, User
from bianmin.village import projects, rules
from bianmin.village.choices import (
    Cadence,
    CharterKind,
    DecisionStatus,
    FlagOutcome,
    FundSource,
    MeetingType,
    ProjectStatus,
    PublicationAction,
    PublicationStatus,
    Source,
    Step,
)
from bianmin.village.decisions import yuan
from bianmin.village.models import (
    CatalogueItem,
    Charter,
    CharterVersion,
    Decision,
    DecisionStep,
    Disbursement,
    Project,
    Publication,
    PublicationEvent,
    PublicationVersion,
    Register,
    Relative,
    digest,
)

COUNTY_CODE = "500236000000"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
ITEMS = [
    ("party", "党组织建设和党员发展情况", "《中国共产党农村基层组织工作条例》", Cadence.QUARTERLY, "村党支部书记"),
    ("village", "村务工作和惠民政策落实情况", "《村民委员会组织法》第三十条", Cadence.QUARTERLY, "村委会主任"),
    ("village", "低保、特困供养对象名单", "《社会救助暂行办法》", Cadence.QUARTERLY, "民政协理员"),
    ("finance", "村级财务收支情况", "《村民委员会组织法》第三十条", Cadence.MONTHLY, "村报账员"),
    ("service", "便民服务事项办理情况", "村务公开目录", Cadence.HALF_YEARLY, "便民服务员"),
    ("village", "重大事项（5万元以上）", "《村民委员会组织法》第三十条", Cadence.IMMEDIATE, "村委会主任"),
]
CHANNELS = ["board", "web", "broadcast"]
SONS = ["小军", "小明", "小兵", "小龙", "小刚"]
CHARTER_TEXT = (
    "第一条 为推进村民自治，建设文明和谐村庄，根据《村民委员会组织法》，经村民代表会议讨论通过，制定本村规民约。\n"
    "第二条 村民应当爱护村道、水渠等公共设施，不得侵占、损坏。\n"
    "第三条 红白喜事从简办理，不大操大办，不铺张浪费。\n"
    "第四条 村民对村务公开内容有疑问的，可向村务监督委员会提出，村委会应当在十日内答复。"
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _body(item: tuple[str, ...], label: str, rng: random.Random) -> str:
    category, name = item[0], item[1]
    if category == "finance":
        income, grant = rng.randrange(200_000, 3_000_000), rng.randrange(500_000, 5_000_000)
        office, roads = rng.randrange(50_000, 400_000), rng.randrange(100_000, 2_000_000)
        return (
            f"{label}村集体经营收入{yuan(income)}元，上级补助收入{yuan(grant)}元。\n"
            f"支出{yuan(office + roads)}元，其中办公费{yuan(office)}元、道路维护{yuan(roads)}元。\n"
            f"收支明细已经村民主理财小组审核，原始凭证存村委会备查。"
        )
    if category == "party":
        return f"{label}召开党员大会{rng.randint(1, 3)}次，开展主题党日活动{rng.randint(2, 4)}次，发展预备党员{rng.randint(0, 2)}名。"
    if category == "service":
        handled = rng.randint(80, 400)
        return f"{label}村便民服务室共受理群众事项{handled}件，办结{handled - rng.randint(0, 5)}件，代办{rng.randint(10, 60)}件。"
    if "低保" in name:
        return f"{label}本村在册低保对象{rng.randint(8, 40)}户，特困供养对象{rng.randint(1, 8)}人，名单及保障标准张贴于村务公开栏。"
    return f"{label}村委会完成道路维护、人居环境整治等工作，落实耕地地力保护补贴、医疗救助等惠民政策。"


class _Writer:
    """Rows of every village collected, then written a few statements each."""

    def __init__(self) -> None:
        self.pubs: list[tuple[Publication, User | None, date | None]] = []

    def publication(
        self, village: Unit, item: CatalogueItem | None, title: str, body: str, **extra: Any
    ) -> Publication:
        published_on: date | None = extra.pop("published_on", None)
        signer: User | None = extra.pop("signer", None)
        pub = Publication(village=village, item=item, title=title, body=body, **extra)
        if published_on is not None:
            pub.status = PublicationStatus.PUBLISHED
            pub.first_published_on = published_on
            pub.signed_by, pub.signed_at, pub.remarks = signer, _at(published_on, 9), "经审核，内容属实。"
        self.pubs.append((pub, signer, published_on))
        return pub

    def flush(self) -> None:
        Publication.objects.bulk_create([p for p, _, _ in self.pubs], batch_size=1000)
        versions, events = [], []
        for pub, signer, day in self.pubs:
            events.append(
                PublicationEvent(
                    publication=pub,
                    action=PublicationAction.CREATE,
                    to_status="draft",
                    at=_at(pub.due_on or timezone.localdate(), 8) - timedelta(days=3),
                )
            )
            if day is None:
                continue
            versions.append(
                PublicationVersion(
                    publication=pub,
                    number=1,
                    title=pub.title,
                    body=pub.body,
                    sha256=digest(pub.title, pub.body),
                    signed_by=signer,
                    signed_at=_at(day, 9),
                    remarks=pub.remarks,
                    published_at=_at(day),
                )
            )
            events.append(
                PublicationEvent(
                    publication=pub,
                    action=PublicationAction.SIGN,
                    from_status="draft",
                    to_status="signed",
                    note=pub.remarks,
                    at=_at(day, 9),
                )
            )
            events.append(
                PublicationEvent(
                    publication=pub,
                    action=PublicationAction.PUBLISH,
                    from_status="signed",
                    to_status="published",
                    version=1,
                    at=_at(day),
                )
            )
        PublicationVersion.objects.bulk_create(versions, batch_size=1000)
        PublicationEvent.objects.bulk_create(events, batch_size=2000)
        # Each published row points at its version: one UPDATE for them all.
        ids = [p.pk for p, _, day in self.pubs if day is not None]
        first = PublicationVersion.objects.filter(publication=OuterRef("pk"), number=1).values("pk")[:1]
        for start in range(0, len(ids), 900):
            Publication.objects.filter(pk__in=ids[start : start + 900]).update(current=Subquery(first))


def load_demo_village(seed: int = 2026) -> None:
    county = Unit.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return
    done = set(CatalogueItem.objects.values_list("village_id", flat=True).distinct())
    villages = [
        v for v in Unit.objects.subtree(county).filter(kind__in=PLACE_KINDS).order_by("path") if v.pk not in done
    ]
    if not villages:
        return
    today = timezone.localdate()
    monitors = {
        m.unit_id: m.user
        for m in Membership.objects.filter(role=Role.VILLAGE_MONITOR, unit__in=villages).select_related("user")
    }
    writer = _Writer()
    starts = today - timedelta(days=365)
    # Catalogues and registers first: the publications hang off the items.
    registers, items = [], []
    for village in villages:
        rng = random.Random(f"{seed}-{village.code}")
        adults = rng.randrange(600, 2200)
        registers.append(
            Register(
                village=village,
                as_of=date(today.year - 1, 1, 1),
                party_members=rng.randrange(24, 60),
                adults=adults,
                households=adults // 3,
                representatives=rng.randrange(30, 60),
            )
        )
        for category, name, basis, cadence, owner in ITEMS:
            items.append(
                CatalogueItem(
                    village=village,
                    category=category,
                    name=name,
                    legal_basis=basis,
                    cadence=cadence,
                    responsible=owner,
                    channels=CHANNELS,
                    starts_on=starts,
                )
            )
    Register.objects.bulk_create(registers)
    CatalogueItem.objects.bulk_create(items, batch_size=1000)
    by_village: dict[int, list[CatalogueItem]] = {}
    for item in items:
        by_village.setdefault(item.village_id, []).append(item)
    registers_of = {r.village_id: r for r in registers}
    stories = []
    for village in villages:
        rng = random.Random(f"{seed}-{village.code}-pubs")
        signer = monitors.get(village.pk)
        overdue_left = False
        for item in by_village[village.pk]:
            spec = next(i for i in ITEMS if i[1] == item.name)
            periods = rules.periods(item.cadence, item.starts_on, today, item.due_day)
            for period in reversed(periods):
                label = rules.period_label(item.cadence, period.start)
                extra: dict[str, Any] = {
                    "category": item.category,
                    "source": Source.SCHEDULE,
                    "period_start": period.start,
                    "period_end": period.end,
                    "due_on": period.due_on,
                }
                body = _body(spec, label, rng)
                if period.due_on >= today:
                    pass  # drafted, awaiting the committee's signature
                elif item.cadence == Cadence.MONTHLY and not overdue_left:
                    overdue_left, body = True, ""  # the one the village missed: overdue to the township
                else:
                    late = rng.random() < 0.1
                    day = (
                        period.due_on + timedelta(days=rng.randint(1, 6))
                        if late
                        else period.due_on - timedelta(days=rng.randint(0, 15))
                    )
                    extra.update(published_on=min(day, today), signer=signer)
                writer.publication(village, item, f"{item.name}（{label}）", body, **extra)
        stories.append(_stories(village, registers_of[village.pk], signer, writer, seed, today))
    writer.flush()
    for story in stories:
        story()


def _credit_code(village: Unit) -> str:
    body = f"92{village.code[:6]}MA{int(village.code[-6:]):07d}"
    return body + uscc.calc_check_digit(body + "0")


def _stories(village: Unit, register: Register, signer: User | None, writer: _Writer, seed: int, today: date) -> Any:
    """A village's decisions, project, ledger, charter and flag; returns what must run after the publications
    are written (rows that point at them)."""
    rng = random.Random(f"{seed}-{village.code}-stories")
    surname = rng.choice(SURNAMES)
    budget = rng.randrange(60, 200) * 100_000  # 60,000–200,000 yuan in fen
    road = f"{rng.choice('一二三四五六')}组至{rng.choice('七八九十')}组村道硬化"
    resolved_on = today - timedelta(days=150)
    notice_on = resolved_on + timedelta(days=5)
    start_on, end_on = notice_on + timedelta(days=12), notice_on + timedelta(days=100)
    decision = Decision(
        village=village,
        title=f"实施{road}工程",
        summary=f"硬化村道{rng.randint(12, 40) / 10}公里，宽4.5米。",
        amount_fen=budget,
        status=DecisionStatus.DONE,
    )
    blocked = Decision(
        village=village,
        title="村集体土地流转方案",
        summary="流转村集体荒山200亩用于发展经果林。",
        status=DecisionStatus.BLOCKED,
    )
    resolution = writer.publication(
        village,
        None,
        f"关于{decision.title}的决议公开",
        f"{village.name}于{resolved_on.year}年{resolved_on.month}月{resolved_on.day}日召开村民代表会议，就“{decision.title}”作出决议。\n"
        f"应到{register.representatives}人，实到{register.representatives - 3}人；赞成{register.representatives - 5}人，反对1人，弃权1人。涉及金额{yuan(budget)}元。",
        category="village",
        source=Source.RESOLUTION,
        due_on=resolved_on + timedelta(days=5),
        published_on=resolved_on + timedelta(days=2),
        signer=signer,
    )
    project = Project(
        village=village,
        name=decision.title,
        place=f"{village.name}{road[:2]}",
        content=decision.summary,
        period_start=start_on,
        period_end=end_on,
        implementer=f"{village.name}村民委员会",
        responsible=f"{surname}主任",
        contractor_name="奉节县通达路桥工程有限公司",
        contractor_code="",
        fund_source=FundSource.POVERTY,
        budget_fen=budget,
        procurement="公开招标，通达路桥中标",
        expected_results="解决沿线群众出行难",
        poverty_mechanism="优先聘用脱贫户务工",
        beneficiaries=rng.randint(60, 300),
        status=ProjectStatus.COMPLETED,
        started_on=start_on,
        completed_on=end_on,
    )
    prior = writer.publication(
        village,
        None,
        f"项目事前公示：{project.name}",
        projects.project_text(project),
        category="finance",
        source=Source.PRIOR_NOTICE,
        due_on=notice_on,
        published_on=notice_on,
        signer=signer,
    )
    completion = writer.publication(
        village,
        None,
        f"项目完工公告：{project.name}",
        projects.project_text(project) + f"\n完工日期：{end_on:%Y-%m-%d}",
        category="finance",
        source=Source.COMPLETION,
        due_on=end_on + timedelta(days=5),
        published_on=end_on + timedelta(days=3),
        signer=signer,
    )
    charter_pub = writer.publication(
        village,
        None,
        f"{village.name}村规民约（第1版）",
        CHARTER_TEXT,
        category="village",
        source=Source.CHARTER,
        due_on=resolved_on + timedelta(days=5),
        published_on=resolved_on + timedelta(days=3),
        signer=signer,
    )
    relative_name = f"{surname}记建材经营部"
    son_name = surname + rng.choice(SONS)
    son_code = _resident_id(date(1992, rng.randint(1, 12), rng.randint(1, 28)), rng.randrange(1, 999, 2))
    closer = _closer(village)

    def after() -> None:
        decision.resolution, decision.result = resolution, completion
        Decision.objects.bulk_create([decision, blocked])
        steps = []
        for step, meeting, entitled, present, votes in (
            (Step.PROPOSAL, MeetingType.BRANCH_COMMITTEE, register.branch_members, 5, 5),
            (Step.CONSULTATION, MeetingType.TWO_COMMITTEES, register.committee_members, 7, 6),
            (
                Step.PARTY_REVIEW,
                MeetingType.PARTY_MEMBERS,
                register.party_members,
                register.party_members - 2,
                register.party_members - 4,
            ),
            (
                Step.RESOLUTION,
                MeetingType.REPRESENTATIVES,
                register.representatives,
                register.representatives - 3,
                register.representatives - 5,
            ),
        ):
            steps.append(
                _step(decision, step, meeting, resolved_on - timedelta(days=(4 - step) * 7), entitled, present, votes)
            )
        for step, meeting, entitled, present, votes in (
            (Step.PROPOSAL, MeetingType.BRANCH_COMMITTEE, register.branch_members, 5, 4),
            (Step.CONSULTATION, MeetingType.TWO_COMMITTEES, register.committee_members, 6, 5),
            # Fewer than two thirds of the Party members came: not valid, the resolution cannot follow.
            (
                Step.PARTY_REVIEW,
                MeetingType.PARTY_MEMBERS,
                register.party_members,
                register.party_members * 2 // 3 - 2,
                register.party_members // 2,
            ),
        ):
            steps.append(_step(blocked, step, meeting, today - timedelta(days=40 - step * 7), entitled, present, votes))
        DecisionStep.objects.bulk_create(steps)
        project.decision, project.prior_notice, project.completion_notice = decision, prior, completion
        paid = [budget * 3 // 10, budget * 4 // 10, budget * 2 // 10, budget // 20]
        project.disbursed_fen = sum(paid)
        project.save()
        Disbursement.objects.bulk_create(
            [
                Disbursement(
                    project=project,
                    payee_name="奉节县通达路桥工程有限公司",
                    amount_fen=paid[0],
                    paid_on=start_on + timedelta(days=5),
                    voucher="记-031",
                ),
                Disbursement(
                    project=project,
                    payee_name="奉节县通达路桥工程有限公司",
                    amount_fen=paid[1],
                    paid_on=start_on + timedelta(days=60),
                    voucher="记-047",
                ),
            ]
        )
        charter = Charter.objects.create(village=village, kind=CharterKind.RULES, title=f"{village.name}村规民约")
        CharterVersion.objects.create(
            charter=charter,
            number=1,
            body=CHARTER_TEXT,
            adopted_by=steps[3],
            adopted_on=resolved_on,
            publication=charter_pub,
        )
        code = _credit_code(village)
        Relative.objects.create(
            village=village, name=relative_name, code=code, relation="配偶经营的商店", of_name=f"{surname}主任"
        )
        payment = Disbursement.objects.create(
            project=project,
            payee_name=relative_name,
            payee_code=code,
            amount_fen=paid[2],
            paid_on=end_on - timedelta(days=3),
            voucher="记-062",
        )
        projects.check_conflicts(project, relative_name, code, actor=None, disbursement=payment)
        # The cadre's son was paid for hauling earlier: flagged too, and the township has checked and handled it.
        Relative.objects.create(
            village=village, name=son_name, code=son_code, relation="儿子", of_name=f"{surname}主任"
        )
        hauling = Disbursement.objects.create(
            project=project,
            payee_name=son_name,
            payee_code=son_code,
            amount_fen=paid[3],
            paid_on=start_on + timedelta(days=20),
            voucher="记-040",
        )
        flagged = projects.check_conflicts(project, son_name, son_code, actor=None, disbursement=hauling)
        reason = (
            f"经核实，{son_name}系{surname}主任之子，承揽本项目砂石运输。"
            f"已责令退出，{surname}主任作出书面检查，款项按实际运量结算。"
        )
        if closer is not None:  # the demo county has its supervisor; without one the flag would stay open
            for flag in flagged:
                projects.close_flag(flag, actor=closer, outcome=FlagOutcome.HANDLED, reason=reason)

    return after


def _resident_id(birth: date, serial: int) -> str:
    """A well-formed identity number of someone born in 奉节 (not a real person's)."""
    body = f"500236{birth:%Y%m%d}{serial:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def _closer(village: Unit) -> User | None:
    """Who closes the demo's handled flag: the township's leader, else the county's supervisor."""
    found = (
        Membership.objects.filter(unit=village.parent_id, role=Role.TOWNSHIP_LEADER).select_related("user").first()
        or Membership.objects.filter(role=Role.SUPERVISOR, unit__code=COUNTY_CODE).select_related("user").first()
    )
    return found.user if found else None


def _step(
    decision: Decision, step: int, meeting: str, held_on: date, entitled: int, present: int, votes: int
) -> DecisionStep:
    tally = rules.Tally(entitled, present, votes, max(present - votes - 1, 0), min(1, present - votes))
    verdict = rules.verdict(meeting, tally)
    return DecisionStep(
        decision=decision,
        step=step,
        meeting_type=meeting,
        held_on=held_on,
        entitled=entitled,
        present=present,
        votes_for=votes,
        votes_against=tally.against,
        abstaining=tally.abstaining,
        minutes="会议记录及签到表存村委会。",
        observer="白帝镇 驻村干部" if step >= Step.PARTY_REVIEW else "",
        quorum=verdict.quorum,
        approved=verdict.approved,
        valid=verdict.valid,
        reasons=list(verdict.reasons),
    )
