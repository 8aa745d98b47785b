"""What happens to each bulk demo case: the sequence of workflow actions and when they happen.

Shares follow what a county sees: most matters handled at the village and closed with a good rating,
some escalated to the work team or township and transferred to county departments (a few more than once),
some supervised, paused, extended, refused, withdrawn or merged; a few bad ratings reopened or appealed;
a few stuck for good (the overdue ones). Work happens mostly in office hours on working days. A history
stops at `now`: recent cases are still open because their next step has not happened yet."""

from __future__ import annotations

import contextlib
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import accumulate
from typing import TYPE_CHECKING, cast

from bianmin.cases import sla
from bianmin.cases.choices import CaseKind, CaseStatus, Channel, RatingAppeal
from bianmin.cases.effects import within_reopen_window
from bianmin.demo.bulk_replay import CaseState, Replay
from bianmin.demo.cases import REPLIES

if TYPE_CHECKING:
    from bianmin.cases.models import Case

# Office hours in minutes after midnight (Asia/Shanghai): 8:30–12:00 and 14:00–17:30.
MORNING, NOON, AFTERNOON, EVENING = 510, 720, 840, 1050
OFF_HOURS_SHARE = 0.1  # steps taken outside office hours anyway (duty rota, a late reply)
MERGE_SHARE = 0.025

# Relative weights of the kinds of matter (by demo category code): what a rural county hears most.
CATEGORY_WEIGHTS = {
    "road": 12,
    "water": 10,
    "environment": 12,
    "noise": 4,
    "social": 16,
    "medical": 6,
    "land": 6,
    "dispute": 10,
    "housing": 6,
    "agriculture": 12,
    "conduct": 3,
}
URGENT_CATEGORIES = frozenset({"road", "water", "dispute"})
# Which county departments (by the demo's code suffix) a matter escalated past the township goes to.
CATEGORY_DEPARTMENTS = {
    "road": ["ZJW"],
    "water": ["ZJW"],
    "environment": ["ZJW", "NYNCW"],
    "noise": ["GAJ", "ZJW"],
    "social": ["MZJ", "RSJ"],
    "medical": ["YBJ", "WJW"],
    "land": ["ZRZYJ"],
    "dispute": ["GAJ", "XFB"],
    "housing": ["ZJW"],
    "agriculture": ["NYNCW"],
    "conduct": ["XFB"],
}
# Channels on working days and on rest days (the village hall keeps a duty rota; letters wait for Monday).
CHANNELS = [
    Channel.VILLAGE_HALL,
    Channel.HOTLINE,
    Channel.WINDOW,
    Channel.MOBILE,
    Channel.WEB,
    Channel.RECEPTION,
    Channel.LETTER,
    Channel.NOTICE_QUESTION,
    Channel.OPEN311,
]
WORKDAY_CHANNEL_WEIGHTS = [34, 18, 10, 12, 7, 8, 3, 3, 1]
RESTDAY_CHANNEL_WEIGHTS = [14, 30, 2, 22, 14, 3, 0, 2, 2]
SELF_SUBMITTED = frozenset({Channel.WEB, Channel.MOBILE, Channel.OPEN311})
# Intake by the half hour from midnight: people come to a hall in office hours (8:30–12:00, 14:00–17:30,
# a few at lunch or just after closing); they call or write online from early morning to late evening.
OFFICE_PROFILE = [0.1] * 16 + [0.5] + [10] * 7 + [1.5] * 4 + [8] * 7 + [2, 1, 0.5] + [0.1] * 10
ANYTIME_PROFILE = [0.3] * 14 + [2] * 4 + [5] * 6 + [4] * 4 + [5] * 8 + [6] * 8 + [1.5] * 4

RATINGS = [5, 4, 3, 2, 1]
FIRST_RATING_CUM = list(accumulate([68, 20, 7, 3, 2]))
AGAIN_RATING_CUM = list(accumulate([45, 30, 15, 6, 4]))
CLASSIFICATIONS = ["reasonable", "reasonable", "reasonable", "policy", "policy", "dispute", "unreasonable"]
REFUSALS = [
    ("该事项已进入诉讼程序", "人民法院"),
    ("属于劳动人事争议，应申请仲裁", "县劳动人事争议仲裁委员会"),
    ("属于涉法涉诉事项，不属于本平台受理范围", "县司法局法律援助中心"),
]
WITHDRAWALS = ["群众表示已自行解决", "群众表示不再需要办理", "邻里已协商解决，申请撤回"]
ESCALATIONS = ["村级无法解决，上报", "超出本级职权，提请上级研判", "涉及多个部门，需上级协调"]
TRANSFER_NOTES = ["", "请按职责办理", "请按职责办理并及时答复群众"]
RETURNS = ["不属于本单位职责，退回重新分派", "事项涉及其他部门职能，退回"]
SUPERVISIONS = ["请加快办理", "群众多次来电反映，请于期限内办结", "请限期办结并向县督查室报告结果"]
EXTENSIONS = ["涉及多个部门协调，申请延期", "需现场勘查和第三方鉴定，申请延期"]
PAUSES = ["等待群众补充现场照片", "群众外出务工，待其返乡后现场核实", "等待群众提供相关证明材料"]
BAD_COMMENTS = ["问题没有解决", "办理太慢，没人回复", "答复敷衍，没有实际解决"]
GOOD_COMMENTS = ["满意，感谢", "处理及时", "工作人员态度很好"]
REOPENS = ["群众回访表示问题没有解决", "回访不满意，要求重新办理"]
RECTIFICATIONS = [
    "已约谈承办人员，重新上门核实处理",
    "已督促相关单位返工整改，群众现场确认",
    "已补充解释政策依据并提供办理指引",
]
CALLBACKS = ["电话回访，群众对整改结果表示认可", "电话回访，群众表示理解，仍有意见已记录", "上门回访，群众认可整改"]
APPEALS = ["经核实，群众诉求已依法依规办理，差评系对政策规定不满", "群众诉求超出政策范围，已耐心解释"]
REVIEWS = {
    RatingAppeal.UPHELD: "经复核，申诉理由成立，该评价不计入满意率",
    RatingAppeal.REJECTED: "经复核，申诉理由不成立，评价有效",
}


def seeded(seed: int, part: str) -> random.Random:
    """A generator of its own for each part (each day): a string seed is hashed the same in every process."""
    return random.Random(f"bianmin-bulk-demo:{seed}:{part}")


class _Stop(Exception):
    """The next step would come after now: the history so far is the case's present."""


@dataclass(frozen=True)
class StoryWorld:
    handler: dict[int, int]  # unit id → its demo handler's user id
    supervisor: int | None
    departments: list[int]
    category_departments: dict[int, list[int]]  # category id → the departments that handle such matters
    covering_team: dict[int, int]  # village id → the work team stationed there


class Clock:
    """The working-day calendar as the story uses it: is a day a working day, when do offices open."""

    def __init__(self, is_workday: Callable[[date], bool]) -> None:
        self.workday = is_workday
        self._next: dict[date, date] = {}

    def next_workday(self, day: date) -> date:
        found = self._next.get(day)
        if found is None:
            found = day + timedelta(days=1)
            while not self.workday(found):
                found += timedelta(days=1)
            self._next[day] = found
        return found

    def office(self, at: datetime, rng: random.Random) -> datetime:
        """`at` if offices are open then, else a while after they next open."""
        local = at.astimezone(sla.SHANGHAI)
        day, minute = local.date(), local.hour * 60 + local.minute
        if self.workday(day):
            if MORNING <= minute < NOON or AFTERNOON <= minute < EVENING:
                return at
            if minute < MORNING:
                opening = MORNING
            elif minute < AFTERNOON:
                opening = AFTERNOON
            else:
                day, opening = self.next_workday(day), MORNING
        else:
            day, opening = self.next_workday(day), MORNING
        start = datetime.combine(day, clock_time(opening // 60, opening % 60), tzinfo=sla.SHANGHAI)
        return (start + timedelta(minutes=rng.uniform(1, 100))).astimezone(UTC)


class Story:
    """Plays one batch's cases; `rng` is set per day by the caller."""

    def __init__(self, world: StoryWorld, replay: Replay, clock: Clock, now: datetime) -> None:
        self.w = world
        self.replay = replay
        self.clock = clock
        self.now = now
        self.rng = seeded(0, "unset")
        self._candidates: dict[int, list[CaseState]] = {}

    # --- merges --------------------------------------------------------------------------------------

    def merge_candidate(self, village: int, at: datetime) -> CaseState | None:
        """For a case that will turn out to be a duplicate: the latest case of the same village that is still
        open a few hours on (merge demands an open master that was not itself merged)."""
        if self.rng.random() >= MERGE_SHARE:
            return None
        soon = at + timedelta(days=2)
        return next((m for m in reversed(self._candidates.get(village, [])) if self._open(m, soon)), None)

    @staticmethod
    def _open(master: CaseState, at: datetime) -> bool:
        return master.received_at < at and (master.settled_at is None or at < master.settled_at)

    # --- one case ------------------------------------------------------------------------------------

    def play(self, c: CaseState, *, self_submitted: bool, master: CaseState | None) -> None:
        with contextlib.suppress(_Stop):
            self._intake(c, self_submitted, master)
        if c.master_id is None:
            held = self._candidates.setdefault(c.village_id, [])
            held.append(c)
            del held[:-8]

    def after(self, at: datetime, hours: float) -> datetime:
        moment = at + timedelta(hours=max(hours, 0.05))
        if self.rng.random() >= OFF_HOURS_SHARE:
            moment = self.clock.office(moment, self.rng)
        if moment > self.now:
            raise _Stop
        return moment

    def _by(self, c: CaseState) -> int:
        return self.w.handler[c.unit_id]

    def _intake(self, c: CaseState, self_submitted: bool, master: CaseState | None) -> None:
        r, act = self.rng, self.replay.perform
        answer_share = 0.35 if c.kind == CaseKind.CONSULTATION else 0.05
        t = c.received_at
        if c.status == CaseStatus.SUBMITTED:
            t = self.after(t, r.uniform(0.3, 20))
            if master is not None and self._open(master, t):
                act(c, "merge", actor=self._by(c), at=t, master=(master.id, master.number))
                return
            fate = r.random()
            if fate < 0.006:  # never looked at: awaiting acceptance ever since
                return
            if fate < 0.096:
                reason, channel = r.choice(REFUSALS)
                act(c, "refuse", actor=self._by(c), at=t, reason=reason, proper_channel=channel)
                return
            if fate < 0.136:
                self._withdraw(c, t, self_submitted)
                return
            if r.random() < answer_share:
                act(c, "answer", actor=self._by(c), at=t, reply=r.choice(REPLIES))
                self._aftercare(c, t, self_submitted)
                return
            act(c, "accept", actor=self._by(c), at=t)
        elif master is not None:
            t = self.after(t, r.uniform(0.5, 8))
            if self._open(master, t):
                act(c, "merge", actor=self._by(c), at=t, master=(master.id, master.number))
                return
        fate = r.random()
        if fate < 0.004:  # accepted and then forgotten
            return
        if r.random() < answer_share:
            t = self.after(t, r.uniform(0.2, 24))
            act(c, "answer", actor=self._by(c), at=t, reply=r.choice(REPLIES))
            self._aftercare(c, t, self_submitted)
            return
        stall = "withdraw" if fate < 0.02 else "in_progress" if fate < 0.032 else "paused" if fate < 0.037 else ""
        stall = stall or ("replied" if fate < 0.043 else "")
        t = self._handle(c, t, stall, self_submitted)
        if stall == "replied":
            return
        t = self.after(t, r.uniform(0.5, 30))
        act(c, "complete", actor=self._by(c), at=t)
        self._aftercare(c, t, self_submitted)

    def _withdraw(self, c: CaseState, t: datetime, self_submitted: bool) -> None:
        reason = self.rng.choice(WITHDRAWALS)
        if self_submitted and self.rng.random() < 0.7:  # on the public tracking page
            self.replay.perform(c, "withdraw", actor=None, at=t, by_citizen=True, reason=reason)
        else:
            self.replay.perform(c, "withdraw", actor=self._by(c), at=t, reason=reason)

    def _route(self, c: CaseState) -> list[tuple[str, int]]:
        """Escalations up the three levels, then transfers to county departments (some sent on or back)."""
        r = self.rng
        if r.random() >= 0.22:
            return []
        team = self.w.covering_team.get(c.village_id)
        steps = [("escalate", 0)]
        at_township = team is None
        if team is not None and r.random() < 0.3:
            steps.append(("escalate", 0))
            at_township = True
        if not at_township or r.random() >= 0.45 or not self.w.departments:
            return steps
        first = r.choice(self.w.category_departments.get(c.category_id or 0) or self.w.departments)
        steps.append(("transfer", first))
        others = [d for d in self.w.departments if d != first]
        x = r.random()
        if x < 0.15 and others:  # the department sends it back; the township tries another
            steps += [("return", 0), ("transfer", r.choice(others))]
        elif x < 0.3 and others:  # the department passes it on, and now and then once more
            second = r.choice(others)
            steps.append(("transfer", second))
            if r.random() < 0.2:
                steps.append(("transfer", r.choice([d for d in self.w.departments if d != second])))
        return steps

    def _handle(self, c: CaseState, t: datetime, stall: str, self_submitted: bool) -> datetime:
        """From acceptance to the reply: classify, route, assign, perhaps supervise, extend or pause."""
        r, act = self.rng, self.replay.perform
        steps: list[tuple[str, int]] = [("classify", 0)] if r.random() < 0.4 else []
        steps += self._route(c)
        steps.append(("assign", 0))
        extras: list[tuple[str, int]] = []
        supervisor = self.w.supervisor
        if supervisor is not None and r.random() < 0.08:
            extras += [("supervise", 0)] * r.choice([1, 1, 1, 1, 2, 2, 2, 3])
        if supervisor is not None and r.random() < 0.04:
            extras.append(("extend", 0))
        if r.random() < 0.07 or stall == "paused":
            extras.append(("pause", 0))
        for extra in extras:
            steps.insert(r.randint(1, len(steps)), extra)
        if stall == "paused":  # stuck waiting for the citizen: the pause is the last thing that happened
            steps = steps[: steps.index(("pause", 0)) + 1]
        if stall == "withdraw":  # the citizen gives up (or sorts it out) halfway
            steps = [*steps[: r.randint(1, len(steps))], ("withdraw", 0)]
        # Mostly replied well within the limit, some late (DESIGN §5's on-time rate is not 100%).
        late = r.random() < 0.035
        fraction = 1.05 + r.expovariate(2.5) if late else 0.05 + 0.85 * r.betavariate(1.6, 3)
        budget = max((c.due_at - t).total_seconds() / 3600 if c.due_at else 48, 2) * fraction
        cuts = sorted(r.random() for _ in steps)
        planned_reply = t + timedelta(hours=budget)
        previous = 0.0
        for (action, target), cut in zip(steps, cuts, strict=True):
            t = self.after(t, (cut - previous) * budget)
            previous = cut
            if action == "assign":
                act(c, "assign", actor=self._by(c), at=t, handler=self._by(c))
            elif action == "classify":
                act(c, "classify", actor=self._by(c), at=t, classification=r.choice(CLASSIFICATIONS))
            elif action == "escalate":
                act(c, "escalate", actor=self._by(c), at=t, note=r.choice(ESCALATIONS))
            elif action == "transfer":
                act(c, "transfer", actor=self._by(c), at=t, to_unit=target, note=r.choice(TRANSFER_NOTES))
            elif action == "return":
                act(c, "return", actor=self._by(c), at=t, reason=r.choice(RETURNS))
            elif action == "supervise":
                self._supervise(c, t, planned_reply, late)
            elif action == "extend":
                amount = r.choice([5, 5, 10])
                act(c, "extend", actor=supervisor, at=t, amount=amount, reason=r.choice(EXTENSIONS))
            elif action == "withdraw":
                self._withdraw(c, t, self_submitted)
                raise _Stop
            elif action == "pause":
                act(c, "pause", actor=self._by(c), at=t, reason=r.choice(PAUSES))
                if stall == "paused":
                    raise _Stop
                t = self.after(t, r.uniform(20, 240))
                act(c, "resume", actor=self._by(c), at=t)
        if stall == "in_progress":
            raise _Stop
        t = self.after(t, (1 - previous) * budget)
        act(c, "reply", actor=self._by(c), at=t, reply=r.choice(REPLIES))
        return t

    def _supervise(self, c: CaseState, t: datetime, planned: datetime, late: bool) -> None:
        """督办 with a new deadline some working days on, at the close of office (as a supervisor enters it)."""
        base = sla.local_date(t) if late else max(sla.local_date(t), sla.local_date(planned))
        day = self.replay.deadlines.calendar.add_workdays(base, self.rng.randint(1, 3))
        due = datetime.combine(day, clock_time(17, 30), tzinfo=sla.SHANGHAI)
        if not t < due <= t + timedelta(days=366):
            return
        supervisor = self.w.supervisor
        self.replay.perform(c, "supervise", actor=supervisor, at=t, due_at=due, note=self.rng.choice(SUPERVISIONS))

    def _aftercare(self, c: CaseState, t: datetime, self_submitted: bool) -> None:
        """The callback (回访) and its rating; a bad one may be reopened or appealed."""
        r, act = self.rng, self.replay.perform
        if r.random() < 0.15:  # the citizen could not be reached: completed, never rated
            return
        t = self.after(t, r.uniform(2, 72))
        rating = RATINGS[bisect(AGAIN_RATING_CUM if c.reopen_count else FIRST_RATING_CUM, r.random() * 100)]
        comment = r.choice(BAD_COMMENTS) if rating < 3 else r.choice(GOOD_COMMENTS) if r.random() < 0.1 else ""
        if self_submitted and r.random() < 0.5:
            act(c, "rate", actor=None, at=t, by_citizen=True, rating=rating, comment=comment)
        else:
            act(c, "rate", actor=self._by(c), at=t, rating=rating, comment=comment)
        if rating >= 3:
            return
        x = r.random()
        if x < 0.45 and c.reopen_count == 0:
            t = self.after(t, r.uniform(1, 48))
            if not within_reopen_window(cast("Case", c), t):
                return  # past the reopen window (a long holiday in between): the rating stands
            act(c, "reopen", actor=self._by(c), at=t, reason=r.choice(REOPENS))
            self._handle_again(c, t, self_submitted)
        elif x < 0.7 and self.w.supervisor is not None:
            t = self.after(t, r.uniform(4, 72))
            act(c, "appeal_rating", actor=self._by(c), at=t, reason=r.choice(APPEALS))
            if r.random() < 0.85:
                t = self.after(t, r.uniform(24, 120))
                decision = RatingAppeal.UPHELD if r.random() < 0.4 else RatingAppeal.REJECTED
                act(c, "review_appeal", actor=self.w.supervisor, at=t, decision=decision, note=REVIEWS[decision])
                if decision == RatingAppeal.REJECTED:
                    self._rectify(c, t)
        else:
            self._rectify(c, t)

    def _rectify(self, c: CaseState, t: datetime) -> None:
        """整改 and 回访 after a bad rating that stands (DESIGN §4.4): most within the days, some late, a few
        still open."""
        r, act = self.rng, self.replay.perform
        if r.random() < 0.85:
            t = self.after(t, r.uniform(6, 150))
            act(c, "rectify", actor=self._by(c), at=t, note=r.choice(RECTIFICATIONS))
        if r.random() < 0.9:
            t = self.after(t, r.uniform(2, 60))
            act(c, "call_back", actor=self._by(c), at=t, note=r.choice(CALLBACKS))

    def _handle_again(self, c: CaseState, t: datetime, self_submitted: bool) -> None:
        r, act = self.rng, self.replay.perform
        if r.random() < 0.12:  # reopened and not yet done again
            return
        budget = max((c.due_at - t).total_seconds() / 3600 if c.due_at else 48, 2)
        budget *= 0.05 + 0.85 * r.betavariate(1.6, 3)
        if self.w.supervisor is not None and r.random() < 0.2:
            t = self.after(t, budget / 3)
            self._supervise(c, t, t + timedelta(hours=budget), False)
        t = self.after(t, budget)
        act(c, "reply", actor=self._by(c), at=t, reply=r.choice(REPLIES))
        t = self.after(t, r.uniform(0.5, 30))
        act(c, "complete", actor=self._by(c), at=t)
        self._aftercare(c, t, self_submitted)
