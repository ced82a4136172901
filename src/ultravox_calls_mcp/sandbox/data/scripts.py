"""What callers and agents say: one script per agent role, so sample calls read like calls.

The random stream fixes a stage's shape (how many exchanges, which exchange used which
tool, which tool failed); ``transcripts.plan_turns`` draws that shape first and only then
asks a script for the words, so the words never move the stream. A script is a small state
machine. It remembers what the agent is waiting for (``pending``: a name, a choice between
two slots, ...); the caller's next line answers that, in the way the exchange's tool needs
(a slot search answers "when?", a booking answers "which one?"), and the agent's line
reacts to the tool's result and asks the next question. When the tools come in an order
the main story cannot take, the caller digresses (a question about their record) or starts
a follow-up (a booking for a family member), as callers do. Long stages cycle through such
follow-ups; no line repeats the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from .text import CallerInfo

Args = dict[str, Any]
T = TypeVar("T")

INVOICE_QUESTION = "I got an invoice I don't understand — it says 240 euros for a check-up."
BOOKING_APOLOGY = "I'm sorry, our booking system is down. May I call you back within the hour?"


@dataclass
class Exchange:
    """One caller line and the agent's answer, as the random draws shaped them."""

    pick: int  # a draw the script may use to vary wording
    tool: str | None = None
    draws: tuple[int, ...] = ()  # values drawn for the tool's parameters, in order
    failed: bool = False


@dataclass
class Beat:
    """The words of one exchange: the caller's line, the tool call (if any), the answer."""

    user: str
    agent: str
    args: Args | None = None
    result: Args | None = None


class Slot(NamedTuple):
    day: str
    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.day} at {self.hour}:{self.minute:02d}"

    @property
    def slot_id(self) -> str:
        return f"{self.day[:3].lower()}-{self.hour:02d}{self.minute:02d}"

    def later(self, minutes: int) -> Slot:
        total = self.hour * 60 + self.minute + minutes
        return Slot(self.day, total // 60, total % 60)


def join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


class Script:
    """Shared machinery: the stage's shape, the caller, and varied wording."""

    apology = BOOKING_APOLOGY
    apology_goodbye = (  # when the failed exchange is the call's last
        "I'm sorry, our booking system is down. We'll call you back within the hour. "
        "Have a lovely day!"
    )

    def __init__(
        self,
        caller: CallerInfo,
        voice: str,
        exchanges: Sequence[Exchange],
        *,
        ending: str,
        opening: int = 0,
        greeted: bool = True,
    ) -> None:
        self.caller = caller
        self.voice = voice
        self.exchanges = list(exchanges)
        self.ending = ending  # "close", "cut" (dropped or still live), "transfer", "escalate"
        self.opening = opening
        self.greeted = greeted
        self.pending = "help"
        self.index = 0
        self.last_agent = ""
        self.repeated = False  # the agent's last line repeated the one before it
        self.resume = "help"  # what was pending when a tool failed
        self._counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------
    @property
    def first(self) -> str:
        return self.caller.short

    def cycle(self, key: str, options: Sequence[T]) -> T:
        count = self._counts.get(key, 0)
        self._counts[key] = count + 1
        return options[count % len(options)]

    def upcoming(self) -> str | None:
        """The tool the next exchange uses (None: no tool, or no next exchange)."""
        nxt = self.index + 1
        return self.exchanges[nxt].tool if nxt < len(self.exchanges) else None

    def repeat(self) -> Beat:
        """The caller did not hear the agent, who says the whole line again (no new question)."""
        self.repeated = True
        again = "Sure:" if self.last_agent.startswith("Of course") else "Of course."
        return Beat("Sorry, the line is bad. Could you repeat that?", f"{again} {self.last_agent}")

    def can_repeat(self) -> bool:
        return bool(self.last_agent) and not self.repeated

    # -- what each role fills in ------------------------------------------------------
    def greeting(self) -> str:
        raise NotImplementedError

    def step(self, ex: Exchange) -> Beat:
        """Answer ``pending`` with this exchange's tool; the agent's reaction, no question."""
        raise NotImplementedError

    def prompt(self) -> str:
        """The agent's question for what is now pending."""
        return ""

    def close(self, ex: Exchange) -> Beat:
        """The last exchange of a call that ends normally, when it uses no tool."""
        raise NotImplementedError

    def farewell(self) -> str:
        return f"Thanks for calling Brightsmile, {self.first}. Have a lovely day!"

    def wrap_up(self) -> str:
        """Said after the last exchange's reaction when that exchange used a tool."""
        return self.farewell()

    def last_words(self, react: str) -> str:
        """The agent's last line when the last exchange used a tool."""
        return join(react, self.wrap_up())

    def failed_goodbye(self, apology: str) -> str:
        """The agent's last line when the last exchange's tool failed."""
        return self.apology_goodbye

    def hand_over(self, ex: Exchange) -> Beat:
        """The last exchange before a stage-change tool hands the caller on."""
        return self.answer(ex)

    def switch_args(self, tool: str) -> Args:
        if tool == "escalateToHuman":
            return {"summary": "Caller asked for a supervisor."}
        return {"reason": "caller asked about an invoice"}

    def fail(self, ex: Exchange) -> Beat:
        """The tool failed: the caller's line stands, the agent apologises."""
        saved = {k: v for k, v in vars(self).items() if k != "_counts"}
        beat = self.step(ex)
        self.after_failure(saved)
        beat.agent = self.apology
        beat.result = None
        return beat

    def after_failure(self, saved: dict[str, Any]) -> None:
        vars(self).update(saved)
        self.resume, self.pending = self.pending, "callback"

    def on_callback(self, ex: Exchange) -> Beat:
        """The agent offered a callback after a failed tool."""
        self.pending = self.resume
        if ex.tool is None:
            self.pending = "help"
            return Beat(
                "Yes, please call me back.", "Thank you. We'll call you back within the hour."
            )
        beat = self.step(ex)
        beat.user = join("Could you try once more?", beat.user)
        beat.agent = join("Good news, it's working again.", beat.agent)
        return beat

    # -- the plan ----------------------------------------------------------------------
    def answer_pending(self, ex: Exchange) -> Beat:
        return self.on_callback(ex) if self.pending == "callback" else self.step(ex)

    def answer(self, ex: Exchange) -> Beat:
        """This exchange's beat, failed or not (a hand-over's words are added to it)."""
        return self.fail(ex) if ex.failed else self.answer_pending(ex)

    def plan(self) -> list[Beat]:
        beats: list[Beat] = []
        count = len(self.exchanges)
        for index, ex in enumerate(self.exchanges):
            self.index = index
            last = index == count - 1
            repeated = self.repeated
            if last and self.ending in ("transfer", "escalate"):
                beat = self.hand_over(ex)
            elif ex.failed:
                beat = self.fail(ex)
                if last and self.ending == "close":
                    beat.agent = self.failed_goodbye(beat.agent)
                else:
                    beat.agent = join(beat.agent, self.prompt())
            elif last and self.ending == "close":
                if ex.tool is None:
                    beat = self.close(ex)
                else:
                    beat = self.answer_pending(ex)
                    beat.agent = self.last_words(beat.agent)
            else:
                beat = self.answer_pending(ex)
                if not (self.repeated and not repeated):  # a repeat already asked it
                    beat.agent = join(beat.agent, self.prompt())
            if repeated:  # a line may be asked for again once, not twice running
                self.repeated = False
            self.last_agent = beat.agent
            beats.append(beat)
        return beats


# --------------------------------------------------------------------------------------
# Shared by the two roles that book: family members booked after the caller.

FAMILY = (
    ("daughter", "Mia"),
    ("son", "Leo"),
    ("partner", "Sam"),
    ("mother", "Ingrid"),
    ("father", "Karl"),
    ("niece", "Emma"),
)


class Booking(Script):
    """Slots, bookings, family follow-ups and tool payloads common to booking roles."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.booked: Slot | None = None
        self.family_no = -1
        self.family_slot: Slot | None = None
        self.fresh = False  # the agent's last line made the offer that is pending

    # payloads
    def check_args(self, day: str, treatment: str, slots: Sequence[Slot]) -> tuple[Args, Args]:
        found = [{"slotId": s.slot_id, "start": str(s)} for s in slots]
        return {"day": day, "treatment": treatment}, {"slots": found}

    def book_args(self, ex: Exchange, slot: Slot, patient: str) -> tuple[Args, Args]:
        number = ex.draws[-1] if ex.draws else 1000
        result = {"appointmentId": f"A-{number}", "slotId": slot.slot_id, "status": "booked"}
        return {"patientId": patient, "slotId": slot.slot_id}, result

    def lookup_args(self) -> tuple[Args, Args]:
        c = self.caller
        args = {"fullName": c.full, "dateOfBirth": c.born.isoformat()}
        return args, {"patientId": c.patient_id, **args}

    # family follow-ups
    @property
    def member(self) -> tuple[str, str]:
        return FAMILY[self.family_no % len(FAMILY)]

    def family_patient(self) -> str:
        return f"{self.caller.patient_id}-{self.family_no % len(FAMILY) + 1}"

    def next_family_slot(self) -> Slot:
        base = self.booked or Slot("Thursday", 9, 0)
        return base.later(45 * (self.family_no + 1))

    def family_request(self, ex: Exchange) -> Beat:
        """The caller asks for a family member's visit (a slot search or a direct booking)."""
        self.family_no += 1
        relation, name = self.member
        slot = self.family_slot = self.next_family_slot()
        first = self.family_no == 0
        if ex.tool == "bookAppointment":
            user = (
                f"My {relation} {name} needs a check-up too — could you book {name} in right "
                "after me? 👍"
                if first
                else f"And could you book my {relation} {name} in as well, same day?"
            )
            args, result = self.book_args(ex, slot, self.family_patient())
            self.pending = "help"
            said = f"Done: {name} is booked for {slot}" + (", right after you." if first else ".")
            return Beat(user, said, args, result)
        user = (
            f"My {relation} {name} also needs a check-up — can we book back to back? 👍"
            if first
            else f"And my {relation} {name}? Same day, if possible."
        )
        self.pending = "family"
        self.fresh = True
        said = (
            f"Right after yours, {slot} is free for {name}."
            if first
            else f"{slot} is free for {name}."
        )
        if ex.tool == "checkAvailability":
            args, result = self.check_args(slot.day, "check-up", [slot])
            return Beat(user, said, args, result)
        return Beat(user, said)

    def family_answer(self, ex: Exchange) -> Beat:
        """The agent asked whether to book the family member."""
        _, name = self.member
        slot = self.family_slot or self.next_family_slot()
        if ex.tool == "checkAvailability":
            later_no = self.cycle("later", (0, 1))
            later = self.family_slot = Slot(slot.day, 16, 0).later(75 * later_no)
            args, result = self.check_args(later.day, "check-up", [later])
            self.fresh = True
            asked = (
                f"Could it be a bit later? {name} can't make it before four.",
                f"Even later, if possible? {name} has football until five.",
            )[later_no]
            return Beat(asked, f"Then {later} is free.", args, result)
        if ex.tool == "lookupPatient":
            args, result = self.lookup_args()
            self.fresh = False
            asked, answer = self.cycle(
                "family-lookup",
                (
                    (
                        f"Yes, please — {name} should already be on my account.",
                        f"Yes, I've found {name} on your family account.",
                    ),
                    (
                        f"Is {name}'s address up to date, by the way?",
                        f"Yes, {name} has the same address as you.",
                    ),
                ),
            )
            return Beat(asked, answer, args, result)
        self.pending = "help"
        user = self.cycle("family-yes", (f"Yes please, book {name} in.", "Yes, go ahead."))
        if ex.tool == "bookAppointment":
            args, result = self.book_args(ex, slot, self.family_patient())
            return Beat(user, f"Done: {name} is booked for {slot}.", args, result)
        return Beat(user, f"Done: {name} is booked for {slot}.")

    def family_prompt(self) -> str:
        _, name = self.member
        slot = self.family_slot or self.next_family_slot()
        return f"Shall I book {name} in?" if self.fresh else f"Shall I book {name} in for {slot}?"


# --------------------------------------------------------------------------------------
# Front desk: a caller books a cleaning.

# Offers in the order a caller asks for them: (first slot, second slot, the one taken).
OFFERS = (
    (Slot("Tuesday", 10, 30), Slot("Thursday", 9, 0), 1),
    (Slot("Thursday", 15, 0), Slot("Friday", 16, 30), 0),
    (Slot("Thursday", 17, 30), Slot("Friday", 17, 45), 0),
)
OFFER_WORDS = (
    "I have {a} or {b}.",
    "In the afternoon I have {a} or {b}.",
    "Later on, I have {a} or {b}.",
)
# What makes a caller ask for the next offer (the first offer answers their request).
CHANGES = (
    "Actually, could we do an afternoon? Mornings are hard for me 😅",
    "Hmm, anything later in the day? I finish work at five.",
)
OPENINGS = (
    "Hi, I'd like to book a cleaning for next week, maybe Tuesday?",
    "Hello! I need a cleaning — do you have anything next week? Tuesday would be ideal.",
)
# Questions about the caller's record, asked while the agent has it open (a lookup).
RECORD_QUESTIONS = (
    ("is my new address on file? I moved to Zürich in the spring.",
     "Yes, I can see the Zürich address on your record."),
    ("can you check whether I'm due for a check-up? I can't remember my last one.",
     "Your last check-up was in March, so you're due in September."),
    ("does my record say I'm allergic to penicillin? It's important.",
     "Yes, the penicillin allergy is on your record."),
)  # fmt: skip
JAPANESE_RECORD_QUESTION = (
    "12月の予約を確認したいです (I'd like to confirm my December appointment).",
    "はい、田中さん: your December appointment is on the 9th at 11:00.",
)
# Questions that need no tool.
PLAIN_QUESTIONS = (
    ("is there parking near the clinic? I'll be coming from Zürich.",
     "There's a car park behind the building; the first hour is free."),
    ("how much will the cleaning cost?",
     "I can't quote prices on the phone, but I'll email you our fee schedule today."),
    ("should I bring anything?",
     "Just your insurance card and a list of any medicines you take."),
)  # fmt: skip


class FrontDesk(Booking):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.named = False
        self.requested = False
        self.offer_no = -1
        self.wanted: Slot | None = None  # a slot the caller chose that is not booked yet
        self.down = False  # the booking system failed and has not worked since

    def greeting(self) -> str:
        return (
            f"Thanks for calling Brightsmile Dental, this is {self.voice}. "
            "How can I help you today?",
            f"Brightsmile Dental, {self.voice} speaking. How can I help?",
        )[self.opening % 2]

    # words
    def ident(self) -> str:
        c = self.caller
        if c.speaks_japanese:
            return f"{c.full}です (I'm Hanako Tanaka), born {c.born_spoken}."
        return self.cycle(
            "ident",
            (
                f"My name is {c.full}. Date of birth is {c.born_spoken}.",
                f"It's {c.full}, born {c.born_spoken}.",
            ),
        )

    def thanks(self) -> str:
        return f"Thank you, {self.first}."

    def farewell(self) -> str:
        if self.named:
            return f"Thanks for calling Brightsmile, {self.first}. Have a lovely day!"
        return "Thanks for calling Brightsmile. Have a lovely day!"

    def wrap_up(self) -> str:
        if self.pending == "help":
            return self.farewell()
        if self.pending == "pick":
            return (
                f"I'll hold {self.chosen} for you until tomorrow; just call us back to confirm. "
                "Have a lovely day!"
            )
        return "Call us back whenever you've decided. Have a lovely day!"

    @property
    def offer(self) -> tuple[Slot, Slot, int]:
        return OFFERS[self.offer_no]

    @property
    def chosen(self) -> Slot:
        a, b, taken = self.offer
        return (a, b)[taken]

    def pick_line(self, ex: Exchange) -> str:
        slot = self.chosen
        return (f"{slot} works. Danke schön!", f"{slot}, please.", f"Let's do {slot}.")[ex.pick % 3]

    def make_offer(self, ex: Exchange, words: str = "") -> Beat:
        """Move to the next offer; with a slot search the reaction reports what it found."""
        self.offer_no = 0 if self.offer_no < 0 else 1 + self.offer_no % 2
        a, b, _ = self.offer
        self.pending = "pick"
        self.fresh = True
        said = join(words, OFFER_WORDS[self.offer_no].format(a=a, b=b))
        if ex.tool == "checkAvailability":
            args, result = self.check_args(a.day, "cleaning", [a, b])
            return Beat("", said, args, result)
        return Beat("", said)

    def booking(self, ex: Exchange, slot: Slot, said: str) -> Beat:
        self.booked, self.wanted, self.pending = slot, None, "help"
        if ex.tool == "bookAppointment":
            args, result = self.book_args(ex, slot, self.caller.patient_id)
            return Beat("", join(said, "You'll get a text confirmation shortly."), args, result)
        return Beat("", said)

    def found(self, words: str) -> Beat:
        self.named = True
        args, result = self.lookup_args()
        return Beat("", words, args, result)

    def record_question(self) -> tuple[str, str]:
        if self.caller.speaks_japanese and not self._counts.get("record"):
            self._counts["record"] = 1
            return JAPANESE_RECORD_QUESTION
        return self.cycle("record", RECORD_QUESTIONS)

    def question(self, ex: Exchange, *, aside: bool) -> Beat:
        """A question of the caller's own: about their record (a lookup) or a plain one."""
        if ex.tool == "lookupPatient":
            asked, answer = self.record_question()
            beat = self.found(answer)
        elif self.can_repeat() and self.cycle("repeat?", (False, False, True)):
            return self.repeat()
        else:
            asked, answer = self.cycle("plain", PLAIN_QUESTIONS)
            beat = Beat("", answer)
        if aside:
            asked = self.cycle("aside", ("One question first: ", "Before that, ")) + asked
        else:
            asked = capitalized(asked)
        beat.user = asked
        self.fresh = False
        return beat

    # the state machine
    def step(self, ex: Exchange) -> Beat:
        handler = {
            "help": self.on_help,
            "name": self.on_name,
            "day": self.on_day,
            "pick": self.on_pick,
            "confirm": self.on_confirm,
            "family": self.family_answer,
        }[self.pending]
        return handler(ex)

    def prompt(self) -> str:
        p = self.pending
        if p == "help":
            return self.cycle(
                "help",
                (
                    "Is there anything else I can help you with today?",
                    "Anything else I can do for you?",
                ),
            )
        if p == "name":
            if self.wanted is not None:
                return f"To book {self.wanted}, I just need your full name and date of birth."
            return "Could I have your full name and date of birth, please?"
        if p == "day":
            return "What day would suit you best?"
        if p == "pick":
            a, b, _ = self.offer
            return "Which would you prefer?" if self.fresh else f"So: {a} or {b}?"
        if p == "confirm":
            return f"Shall I book {self.wanted} for you?"
        if p == "family":
            return self.family_prompt()
        return ""

    def on_help(self, ex: Exchange) -> Beat:
        t = ex.tool
        c = self.caller
        if not self.requested:
            self.requested = True
            if t == "lookupPatient":
                self.pending = "day"
                beat = self.found(f"Thank you, {self.first}, I've found your record.")
                beat.user = (
                    f"Hi, this is {c.full}, born {c.born_spoken}. I'd like to book a cleaning."
                )
                return beat
            if t == "bookAppointment":
                self.named = True
                slot = self.wanted = OFFERS[0][1]
                beat = self.booking(ex, slot, f"It is — you're booked for {slot}, {self.first}.")
                beat.user = (
                    f"Hi, it's {c.full}, born {c.born_spoken}. Could you book me a cleaning "
                    f"on {slot}? I saw online that it's free."
                )
                return beat
            user = OPENINGS[ex.pick % len(OPENINGS)]
            if t == "checkAvailability":
                beat = self.make_offer(ex)
                beat.user = user
                return beat
            self.pending = "name"
            return Beat(user, "Of course, I can help with that.")
        if self.booked is None:
            return self.unfinished(ex)
        if t in ("checkAvailability", "bookAppointment"):
            return self.family_request(ex)
        return self.question(ex, aside=False)

    def unfinished(self, ex: Exchange) -> Beat:
        """Nothing booked yet, but the agent asked "anything else?" (after a callback offer)."""
        t = ex.tool
        if t is None:
            return self.question(ex, aside=False)
        again = "Actually, could you try the booking system once more? I'd rather sort it out now."
        if not self.down:
            again = "Actually, could we sort out the appointment now after all?"
        return self.retry(ex, again)

    def retry(self, ex: Exchange, user: str) -> Beat:
        t = ex.tool
        news = "Good news, it's working again." if self.down else ""
        self.down = False
        if t in ("lookupPatient", "bookAppointment") and not self.named:
            user = join(user, self.ident())
        if t == "lookupPatient":
            self.pending = "pick" if self.offer_no >= 0 else "day"
            self.fresh = False
            beat = self.found(join(news, f"I've found your record, {self.first}."))
        elif t == "checkAvailability":
            beat = self.make_offer(ex, news)
        else:
            self.named = True
            if self.wanted is not None:
                slot = self.wanted
            elif self.offer_no >= 0:
                slot = self.chosen
                user = join(user, f"{slot} would be great.")
            else:
                slot = OFFERS[0][1]
                user = join(user, f"{slot} would suit me, if it's free.")
            beat = self.booking(ex, slot, join(news, f"You're booked for {slot}."))
        beat.user = user
        return beat

    def on_name(self, ex: Exchange) -> Beat:
        t = ex.tool
        self.named = True
        user = self.ident()
        if self.wanted is not None and t in (None, "bookAppointment"):
            slot = self.wanted
            beat = self.booking(ex, slot, f"Thank you, {self.first}. You're booked for {slot}.")
        elif self.wanted is not None and t == "checkAvailability":
            self.pending = "confirm"
            args, result = self.check_args(self.wanted.day, "cleaning", [self.wanted])
            beat = Beat("", f"Thank you, {self.first}. {self.wanted} is still free.", args, result)
        elif t == "bookAppointment":
            slot = self.chosen if self.offer_no >= 0 else OFFERS[0][0]
            user = join(user, f"And {slot}, please, if it's free.")
            beat = self.booking(ex, slot, f"Thank you, {self.first}. You're booked for {slot}.")
        elif t == "checkAvailability":
            beat = self.make_offer(ex, self.thanks())
        else:
            self.pending = "pick" if self.offer_no >= 0 else "day"
            self.fresh = False
            if t == "lookupPatient":
                beat = self.found(f"Thank you, {self.first}, I've found your record.")
            else:
                beat = Beat("", self.thanks())
        beat.user = user
        return beat

    def on_day(self, ex: Exchange) -> Beat:
        t = ex.tool
        if t == "lookupPatient":
            return self.question(ex, aside=True)
        if t == "bookAppointment":
            slot = OFFERS[0][0]
            beat = self.booking(ex, slot, f"It is — you're booked for {slot}.")
            beat.user = f"{slot} would be perfect, if it's free."
            return beat
        beat = self.make_offer(ex)
        beat.user = "Tuesday, if possible."
        return beat

    def on_pick(self, ex: Exchange) -> Beat:
        t = ex.tool
        if t == "checkAvailability":
            change = CHANGES[max(self.offer_no, 0) % len(CHANGES)]
            beat = self.make_offer(ex)
            beat.user = change
            return beat
        if t == "lookupPatient":
            if self.named:
                return self.question(ex, aside=True)
            self.wanted = self.chosen
            self.pending = "confirm"
            beat = self.found(f"Thank you, {self.first}, I've found your record.")
            beat.user = join(self.pick_line(ex), self.ident())
            return beat
        if t is None and self.upcoming() in ("bookAppointment", "lookupPatient"):
            # The booking comes with the next exchange: the caller asks something first.
            return self.question(ex, aside=True)
        user = self.pick_line(ex)
        slot = self.chosen
        if not self.named and t == "bookAppointment":
            user = join(user, self.ident())
            self.named = True
        if not self.named:
            self.wanted = slot
            self.pending = "name"
            return Beat(user, "Lovely.")
        beat = self.booking(ex, slot, f"You're booked for {slot}.")
        beat.user = user
        return beat

    def on_confirm(self, ex: Exchange) -> Beat:
        t = ex.tool
        if t == "lookupPatient":
            return self.question(ex, aside=True)
        if t == "checkAvailability":
            change = CHANGES[max(self.offer_no, 0) % len(CHANGES)]
            beat = self.make_offer(ex)
            beat.user = change
            return beat
        slot = self.wanted or self.chosen
        beat = self.booking(ex, slot, f"Done — you're booked for {slot}.")
        beat.user = self.cycle("confirm", ("Yes, please.", "Yes, go ahead."))
        return beat

    def on_callback(self, ex: Exchange) -> Beat:
        if ex.tool is not None:
            return self.retry(ex, "Could you try once more? I'd rather sort it out now.")
        user = "Yes, please call me back."
        if not self.named:
            user = join(user, self.ident())
            self.named = True
        self.pending = "help"
        return Beat(user, f"Thank you, {self.first}. We'll call you back within the hour.")

    def after_failure(self, saved: dict[str, Any]) -> None:
        named, wanted = self.named, self.wanted
        super().after_failure(saved)
        self.requested = True
        self.named, self.wanted, self.down = named, wanted, True

    def close(self, ex: Exchange) -> Beat:
        p = self.pending
        if not self.requested:  # a one-question call
            return Beat(
                "Hi, I just wanted to check: are you open on Saturdays?",
                f"We are, from 9:00 to 13:00. {self.farewell()}",
            )
        if p == "help":
            user = self.cycle(
                "bye", ("No, that's everything. Thanks a lot!", "That's all, thank you!")
            )
            return Beat(user, self.farewell())
        if p in ("name", "day"):
            return Beat(
                "Actually, let me check my calendar first and call you back. Thanks!",
                "Of course. Have a lovely day!",
            )
        if p == "pick":
            slot = self.chosen
            user = self.pick_line(ex)
            if not self.named:
                user = join(user, self.ident())
                self.named = True
            return Beat(
                join(user, "That's everything, thanks!"),
                f"You're booked for {slot}. {self.farewell()}",
            )
        if p == "confirm":
            return Beat(
                "Yes, please. That's all, thanks!",
                f"Done — you're booked for {self.wanted}. {self.farewell()}",
            )
        if p == "family":
            _, name = self.member
            return Beat(
                f"Yes please, book {name} in too. That's all, thanks!",
                f"Done: {name} is booked for {self.family_slot}. {self.farewell()}",
            )
        # A callback was offered.
        user = "Yes, please call me back. Thanks, bye!"
        if not self.named:
            user = join("Yes, please call me back.", self.ident(), "Thanks, bye!")
        return Beat(user, "We will, within the hour. Have a lovely day!")

    def hand_over(self, ex: Exchange) -> Beat:
        if ex.tool is None and self.pending == "help":
            return Beat(
                f"One more thing: {INVOICE_QUESTION}" if self.requested else INVOICE_QUESTION,
                "Our billing team can go through that with you. I'll put you through now.",
            )
        if ex.tool is None and self.pending == "pick" and not self.named:
            self.named = True  # the caller gives their name with their choice
            beat = self.answer(ex)
            beat.user = join(beat.user, self.ident())
        else:
            beat = self.answer(ex)
        beat.user = join(beat.user, f"Oh, and one more thing: {INVOICE_QUESTION}")
        beat.agent = join(beat.agent, "About the invoice: I'll put you through to billing now.")
        if self.booked is None and self.pending != "callback":
            beat.agent = join(beat.agent, "Call us back for the cleaning whenever suits you.")
        return beat


# --------------------------------------------------------------------------------------
# Billing: a caller queries an invoice (alone, or handed over from the front desk).

EXPLANATION = (
    "95 euros for the check-up and 145 for two x-rays. Your insurer hasn't paid its share yet."
)
OTHER_INVOICES = (
    ("There's an older one too, {inv}, marked overdue?",
     "{inv} is already paid — the reminder crossed with your payment. Sorry for the worry.",
     {"total": "120.00 EUR", "status": "paid"}),
    ("And {inv}? That's from the hygiene visit in May.",
     "{inv} is 85 euros for the hygiene visit, due at the end of the month.",
     {"total": "85.00 EUR", "status": "open"}),
    ("One more: {inv}. I think that one's a duplicate.",
     "You're right, {inv} duplicates your first invoice. I've cancelled it; if you paid it, "
     "you'll get a full refund within five working days.",
     {"total": "240.00 EUR", "status": "duplicate"}),
    ("What about {inv}? It came with a letter from the Zürich clinic.",
     "{inv} is from our Zürich clinic: 60 euros for an emergency visit in June.",
     {"total": "60.00 EUR", "status": "open"}),
)  # fmt: skip
INVOICE_FOLLOW_UPS = (
    ("But my insurer should cover most of that, shouldn't it?",
     "Yes, they cover 80 % once they've paid us. Then your share is just 48 euros."),
    ("Can I pay in instalments? Money's tight this month 😅",
     "Of course. I can split it into three monthly payments; I'll email you the plan."),
    ("Could you email me a copy? I'm not at home right now.",
     "Done — a copy is on its way to the email address on file."),
    ("Why are the x-rays a separate line?",
     "X-rays are always billed on their own line; your insurer covers them the same way."),
)  # fmt: skip


class Billing(Script):
    apology = "I'm sorry, our billing system is down. May I call you back within the hour?"
    apology_goodbye = (
        "I'm sorry, our billing system is down. We'll call you back within the hour. "
        "Have a lovely day!"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.caller.patient_id[2:7]) if self.caller.patient_id[2:7].isdigit() else 0
        pick = self.exchanges[0].pick if self.exchanges else 0
        self.invoice = f"INV-{(number * 7 + pick * 131) % 9000 + 1000}"
        self.explained = False
        self.opened = False

    def greeting(self) -> str:
        return (
            f"Hi, you've reached Brightsmile billing, this is {self.voice}. What can I do for you?"
        )

    def farewell(self) -> str:
        return f"Thanks for calling Brightsmile billing, {self.first}. Have a lovely day!"

    def prompt(self) -> str:
        if self.pending == "number":
            return "Could you read me the invoice number? It's at the top right."
        if self.pending == "followup":
            return "Does that make sense?"
        if self.pending == "help":
            return self.cycle("help", ("Is there anything else I can help with?", "Anything else?"))
        return ""

    def lookup(self, number: str, result: Args) -> tuple[Args, Args]:
        return {"invoiceId": number}, {"invoiceId": number, **result}

    def explain(self, ex: Exchange, said: str) -> Beat:
        self.explained = True
        self.pending = "followup"
        if ex.tool == "lookupInvoice":
            args, result = self.lookup(
                self.invoice,
                {"total": "240.00 EUR", "lines": ["check-up 95.00", "x-rays (2) 145.00"]},
            )
            return Beat("", join(said, f"I have {self.invoice} here: {EXPLANATION}"), args, result)
        return Beat("", join(said, f"I can see {self.invoice}: {EXPLANATION}"))

    def step(self, ex: Exchange) -> Beat:
        t = ex.tool
        c = self.caller
        if not self.opened:
            self.opened = True
            if not self.greeted:  # handed over from another stage: the caller speaks first
                hello = f"Hi {self.first}, this is {self.voice} from billing."
                if t == "lookupInvoice":
                    beat = self.explain(ex, hello)
                    beat.user = (
                        f"Hello? Is this billing? It's {c.full}. The invoice is {self.invoice}."
                    )
                    return beat
                self.pending = "number"
                return Beat(
                    f"Hello? Is this billing? It's {c.full}, about that invoice.",
                    f"{hello} My colleague says it's about a 240-euro invoice.",
                )
            if t == "lookupInvoice":
                beat = self.explain(ex, f"Let me look, {self.first}.")
                beat.user = (
                    f"Hi, this is {c.full}. I have a question about invoice {self.invoice}: "
                    "it says 240 euros for a check-up?"
                )
                return beat
            self.pending = "number"
            return Beat(
                f"Hi, this is {c.full}. {INVOICE_QUESTION}",
                f"I'm sorry about the confusion, {self.first}. Let's look at it together.",
            )
        if self.pending == "number":
            if t is None and self.upcoming() == "lookupInvoice" and not self._counts.get("find"):
                self._counts["find"] = 1
                self.pending = "finding"
                return Beat("Hold on, let me find it… 😅", "Take your time.")
            beat = self.explain(ex, "Thank you.")
            beat.user = f"Sure, it's {self.invoice}."
            return beat
        if self.pending == "finding":
            beat = self.explain(ex, "Thank you.")
            beat.user = f"Here it is: {self.invoice}."
            return beat
        self.pending = "help"
        if t == "lookupInvoice":
            asked, answer, data = self.cycle("other", OTHER_INVOICES)
            number = f"INV-{ex.draws[0] if ex.draws else 1000}"
            args, result = self.lookup(number, data)
            return Beat(asked.format(inv=number), answer.format(inv=number), args, result)
        if self.can_repeat() and self.cycle("repeat?", (False, False, True)):
            return self.repeat()
        asked, answer = self.cycle("follow", INVOICE_FOLLOW_UPS)
        return Beat(asked, answer)

    def close(self, ex: Exchange) -> Beat:
        if not self.opened:  # a one-question call
            return Beat(
                f"Hi, this is {self.caller.full}. Just checking: did my payment arrive?",
                f"Yes, {self.first}, it arrived on Monday. {self.farewell()}",
            )
        if self.pending in ("number", "finding"):
            return Beat(
                "Actually, I don't have it with me. I'll call back later. Thanks!",
                "No problem. Have a lovely day!",
            )
        user = ("Great, that's everything. Thanks a lot!", "That's all — danke schön!")[ex.pick % 2]
        return Beat(user, self.farewell())

    def hand_over(self, ex: Exchange) -> Beat:
        answer = "I can't waive charges myself, but a supervisor can. Please hold while I get one."
        if ex.tool is None and self.pending in ("number", "finding"):
            return Beat(
                "I can't find the number, and honestly, I never agreed to those x-rays. "
                "Can I talk to a supervisor?",
                "Of course. Please hold while I get one for you.",
            )
        if ex.tool is None and self.pending != "callback":
            return Beat(self.dispute(), answer)
        beat = self.answer(ex)
        return Beat(
            join(beat.user, self.dispute()), join(beat.agent, answer), beat.args, beat.result
        )

    def dispute(self) -> str:
        if self.explained:
            return (
                f"And honestly, I never agreed to those x-rays on {self.invoice}. "
                "Can you take them off?"
            )
        return "Honestly, I never agreed to those x-rays. Can you take them off?"

    def switch_args(self, tool: str) -> Args:
        if tool == "escalateToHuman":
            return {
                "summary": f"Caller disputes the x-ray charges on invoice {self.invoice} "
                "and wants them waived."
            }
        return super().switch_args(tool)


# --------------------------------------------------------------------------------------
# Reminders: the clinic calls a patient about tomorrow's appointment.

APPOINTMENT = Slot("tomorrow", 10, 30)
REMINDER_OFFERS = (
    (Slot("tomorrow", 14, 0), Slot("tomorrow", 16, 30), 1),
    (Slot("Friday", 9, 0), Slot("Friday", 15, 0), 1),
    (Slot("Monday", 8, 30), Slot("Monday", 17, 0), 1),
)
REMINDER_OFFER_WORDS = (
    "Of course. Tomorrow I have 14:00 or 16:30.",
    "On Friday I have 9:00 or 15:00.",
    "Next Monday I have 8:30 or 17:00.",
)
REMINDER_CHANGES = (
    "Actually, can I move it to the afternoon? Mornings are hard for me 😅",
    "Hmm, tomorrow's tricky after all. Anything on Friday?",
    "Sorry, I've just looked at my diary. Could we try next week instead?",
)
REMINDER_QUESTIONS = (
    ("Is there parking near the clinic? I'll be coming from Zürich.",
     "There's a car park behind the building; the first hour is free."),
    ("Should I bring anything?", "Just your insurance card."),
    ("Do I need to come early?", "Five minutes early is plenty."),
)  # fmt: skip


class Reminders(Booking):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = "attend"
        self.appointment = APPOINTMENT
        self.offer_no = -1

    def greeting(self) -> str:
        return (
            f"Hi {self.first}, this is {self.voice} from Brightsmile Dental with a reminder "
            f"about your check-up {APPOINTMENT}. Can you make it?",
            f"Hello {self.first}! {self.voice} here from Brightsmile Dental. Just a reminder: "
            f"your check-up is {APPOINTMENT}. Does that still work for you?",
        )[self.opening % 2]

    def farewell(self) -> str:
        return f"See you {self.appointment}, {self.first}. Have a lovely day!"

    def wrap_up(self) -> str:
        if self.pending == "help":
            return self.farewell()
        return f"Just let us know if you'd like it. {self.farewell()}"

    @property
    def chosen(self) -> Slot:
        a, b, taken = REMINDER_OFFERS[self.offer_no]
        return (a, b)[taken]

    def prompt(self) -> str:
        if self.pending == "pick":
            a, b, _ = REMINDER_OFFERS[self.offer_no]
            return "Which would you prefer?" if self.fresh else f"So: {a} or {b}?"
        if self.pending == "family":
            return self.family_prompt()
        if self.pending == "help":
            return self.cycle(
                "help", ("Is there anything else I can help with?", "Anything else I can do?")
            )
        return ""

    def move(self, ex: Exchange, slot: Slot) -> Beat:
        self.appointment = self.booked = slot
        self.pending = "help"
        if ex.tool == "bookAppointment":
            args, result = self.book_args(ex, slot, self.caller.patient_id)
            return Beat("", f"Done — you're moved to {slot}. You'll get a new text.", args, result)
        return Beat("", f"Done — you're moved to {slot}.")

    def offer(self, ex: Exchange, user: str) -> Beat:
        self.offer_no = (self.offer_no + 1) % len(REMINDER_OFFERS)
        a, b, _ = REMINDER_OFFERS[self.offer_no]
        self.pending = "pick"
        self.fresh = True
        said = REMINDER_OFFER_WORDS[self.offer_no]
        if ex.tool == "checkAvailability":
            args, result = self.check_args(a.day, "check-up", [a, b])
            return Beat(user, said, args, result)
        return Beat(user, said)

    def step(self, ex: Exchange) -> Beat:
        t = ex.tool
        if self.pending == "attend":
            if t == "checkAvailability":
                return self.offer(ex, REMINDER_CHANGES[0])
            if t == "bookAppointment":
                beat = self.move(ex, Slot("Friday", 15, 0))
                beat.user = "Could we make it Friday at 15:00 instead? I have a meeting tomorrow."
                return beat
            self.pending = "help"
            if self.caller.speaks_japanese:
                user = (
                    "はい、大丈夫です。私の予約を確認したいです "
                    "(I want to confirm my appointment) — 10:30, right?"
                )
                return Beat(user, f"はい、{self.first}: tomorrow at 10:30 with Dr. Weber.")
            user = ("Yes, I'll be there. Danke schön for the reminder!", "Yes, that works.")[
                ex.pick % 2
            ]
            return Beat(user, f"Great, we'll see you {APPOINTMENT}.")
        if self.pending == "pick":
            if t == "checkAvailability":
                return self.offer(ex, REMINDER_CHANGES[(self.offer_no + 1) % len(REMINDER_CHANGES)])
            if t is None and self.upcoming() == "bookAppointment" and self.can_repeat():
                return self.repeat()
            slot = self.chosen
            beat = self.move(ex, slot)
            beat.user = f"{capitalized(str(slot))} is perfect."
            return beat
        if self.pending == "family":
            return self.family_answer(ex)
        if t in ("checkAvailability", "bookAppointment"):
            if self.booked is None:
                self.booked = self.appointment
            beat = self.family_request(ex)
            if self.family_no == 0:
                beat.user = "While I have you, " + beat.user[0].lower() + beat.user[1:]
            return beat
        if self.can_repeat() and self.cycle("repeat?", (False, False, True)):
            return self.repeat()
        asked, answer = self.cycle("plain", REMINDER_QUESTIONS)
        return Beat(asked, answer)

    def close(self, ex: Exchange) -> Beat:
        if self.pending == "attend":
            return Beat(
                "I'll have to check my diary and call you back. Thanks!",
                "No problem. Have a lovely day!",
            )
        if self.pending == "pick":
            slot = self.chosen
            self.appointment = slot
            return Beat(
                f"{capitalized(str(slot))} is perfect. Thanks, bye!", f"Done. {self.farewell()}"
            )
        if self.pending == "family":
            _, name = self.member
            return Beat(
                f"Yes please, book {name} in. That's all, thanks!",
                f"Done: {name} is booked for {self.family_slot}. {self.farewell()}",
            )
        return Beat("No, that's all. Thanks for the reminder!", self.farewell())


# --------------------------------------------------------------------------------------
# Scripts that follow a fixed order: survey, after-hours triage, escalation hold.


@dataclass(frozen=True)
class Question:
    number: int
    asked: str
    answer: str
    recorded: str
    answer_ja: str = ""


SURVEY = (
    Question(1, "how would you rate your last visit, from 1 to 5?", "Sure — I'd give it a 4.", "4"),
    Question(
        2,
        "How easy was it to book your appointment, from 1 to 5?",
        "A 5. I booked online in two minutes 👍",
        "5",
        "予約はとても簡単でした (booking was very easy) — a 5 👍",
    ),
    Question(
        3,
        "How long did you wait past your appointment time?",
        "About ten minutes, maybe fifteen.",
        "10-15 minutes",
    ),
    Question(
        4,
        "Did the dentist explain your treatment clearly?",
        "Yes, very clearly. Danke schön to Dr. Weber!",
        "yes",
    ),
    Question(
        5,
        "How likely are you to recommend us to a friend, from 0 to 10?",
        "A 9. Only the parking near Zürich HB is a pain 😅",
        "9",
    ),
    Question(6, "May we contact you about your answers, if needed?", "Yes, that's fine.", "yes"),
)
LAST_QUESTION = Question(
    7, "Is there anything we could do better?", "Maybe a text reminder the day before?",
    "text reminder the day before",
)  # fmt: skip
EXTRA_REMARKS = (
    ("Oh, and the receptionist was lovely.", "Thank you, I'll pass that on."),
    ("And the new waiting room is much nicer.", "Good to hear, thanks."),
    (
        "One more thing: the parking machine only takes coins.",
        "Good to know. I'll tell the clinic.",
    ),
)
SURVEY_THANKS = ("Thank you.", "Great, thanks.", "Noted.", "Thanks, that's helpful.")


class Survey(Script):
    apology = "Sorry, I couldn't save that answer just now; I'll note it by hand."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = len(self.exchanges)
        if self.ending == "close":
            self.asked = [*SURVEY[: max(count - 1, 0)], LAST_QUESTION]
        else:
            self.asked = [*SURVEY[: count + 1], LAST_QUESTION][: count + 1]

    def greeting(self) -> str:
        first = self.asked[0].asked if self.asked else SURVEY[0].asked
        return (
            f"Hello {self.first}, this is {self.voice} from Brightsmile Dental with a short "
            f"two-minute survey about your last visit. To start: {first}"
        )

    def question(self, index: int) -> Question | None:
        return self.asked[index] if index < len(self.asked) else None

    def answer(self, ex: Exchange) -> Beat:
        q = self.question(self.index)
        if q is None:  # more exchanges than questions: remarks after the last one
            said, reply = self.cycle("extra", EXTRA_REMARKS)
            q = Question(LAST_QUESTION.number + 1, "", said, said)  # "any other comments"
            beat = Beat(said, reply)
        else:
            said = q.answer_ja if q.answer_ja and self.caller.speaks_japanese else q.answer
            beat = Beat(said, self.cycle("thanks", SURVEY_THANKS))
        if ex.tool == "recordSurveyAnswer":
            beat.args = {"question": q.number, "answer": q.recorded}
            beat.result = {"stored": True, "question": q.number}
        return beat

    def step(self, ex: Exchange) -> Beat:
        return self.answer(ex)

    def prompt(self) -> str:
        q = self.question(self.index + 1)
        return capitalized(q.asked) if q else ""

    def fail(self, ex: Exchange) -> Beat:
        beat = self.answer(ex)
        beat.agent = self.apology
        beat.result = None
        return beat

    def farewell(self) -> str:
        return f"Thank you, {self.first}, that's all my questions. Have a lovely day!"

    def close(self, ex: Exchange) -> Beat:
        beat = self.answer(ex)
        beat.agent = self.farewell()
        return beat

    def last_words(self, react: str) -> str:
        return self.farewell()

    def failed_goodbye(self, apology: str) -> str:
        return join(apology, self.farewell())


@dataclass(frozen=True)
class Step:
    prompt: str
    user: str
    react: str
    named: bool = False  # the caller gives their name here


class Chain(Script):
    """A fixed order of steps; short stages keep the most important ones."""

    steps: tuple[Step, ...] = ()
    priority: tuple[int, ...] = ()  # step indexes, most important first
    filler: tuple[tuple[str, str], ...] = ()
    closing = ("", "")  # (the agent's last question, the caller's answer)
    brief = ("", "")  # a call of one exchange: (the caller's line, the agent's goodbye)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = len(self.exchanges) - (1 if self.ending == "close" else 0)
        keep = sorted(self.priority[: max(count, 0)])
        self.plan_steps = [self.steps[i] for i in keep]
        self.named = False

    def current(self, offset: int = 0) -> Step | None:
        index = self.index + offset
        return self.plan_steps[index] if index < len(self.plan_steps) else None

    def say(self, text: str) -> str:
        minutes = 6 + 2 * self._counts.get("filler", 0)  # how long a long hold has lasted
        return text.format(
            name=self.caller.full, first=self.first, born=self.caller.born_spoken, minutes=minutes
        )

    def step(self, ex: Exchange) -> Beat:
        step = self.current()
        if step is None:
            said, reply = self.cycle("filler", self.filler)
            return Beat(self.say(said), self.say(reply))
        self.named = self.named or step.named
        return Beat(self.say(step.user), self.say(step.react))

    def prompt(self) -> str:
        step = self.current(1)
        if step is not None:
            return self.say(step.prompt)
        if self.index + 1 < len(self.exchanges) and self.ending != "close":
            return ""
        return self.say(self.closing[0]) if self.index + 2 == len(self.exchanges) else ""

    def close(self, ex: Exchange) -> Beat:
        if self.index == 0 and self.brief[0]:
            return Beat(*self.brief)
        return Beat(self.closing[1], self.farewell())


class Triage(Chain):
    steps = (
        Step(
            "",
            "Yes, a back tooth has been throbbing since dinner. I can't sleep.",
            "I'm sorry, that sounds miserable.",
        ),
        Step(
            "From 1 to 10, how bad is it?", "About a 7. My cheek's a bit swollen too.", "Thank you."
        ),
        Step(
            "Is any swelling spreading towards your eye, or making it hard to swallow or breathe?",
            "No, it's just around the tooth.",
            "Good, then it can wait until the morning.",
        ),
        Step(
            "Have you taken anything for the pain?",
            "Just some paracetamol, around nine.",
            "You can add ibuprofen as the label says, and hold a cold pack to your cheek, "
            "ten minutes on, ten off.",
        ),
        Step(
            "Could I have your name and date of birth for the on-call dentist?",
            "{name}, born {born}.",
            "Thank you, {first}. I've passed your details to the on-call dentist.",
            named=True,
        ),
        Step(
            "Do you have any questions before you try to get some rest?",
            "Should I avoid eating on that side?",
            "Yes: soft, lukewarm food, and nothing very hot or cold.",
        ),
        Step(
            "Is there anything else worrying you?",
            "Can I call back if it gets worse?",
            "Of course, this line is open all night.",
        ),
    )
    priority = (0, 4, 3, 2, 1, 5, 6)
    filler = (
        ("Sorry, I'm a bit panicky. Is it normal for it to throb like this?",
         "Yes, throbbing is common when a nerve is inflamed; the cold pack will help."),
        ("It's a little better with the cold pack, I think.", "Good. Keep your head raised too."),
    )  # fmt: skip
    closing = (
        "Is there anything else I can do for you tonight?",
        "No, that's all. Thank you so much.",
    )
    brief = (
        "No, I'm fine, I only wanted to know when you open tomorrow.",
        "We open at 8:00. Goodnight!",
    )

    def greeting(self) -> str:
        return (
            f"You've reached Brightsmile's after-hours line, this is {self.voice}. "
            "Are you in pain right now?"
        )

    def farewell(self) -> str:
        name = f", {self.first}" if self.named else ""
        return (
            f"The clinic will call you at 8:00 for the first emergency slot. Feel better{name}, "
            "and if the swelling spreads, call 112 straight away. Goodnight!"
        )


class Escalation(Chain):
    steps = (
        Step(
            "", "Hello? Am I still on hold?", "Yes, {first}, I'm still here. You're next in line."
        ),
        Step(
            "",
            "How long will it take? I'm on my lunch break.",
            "About five minutes. The supervisor will have your invoice open, "
            "so you won't need to repeat anything.",
        ),
        Step(
            "",
            "Will they be able to take the x-rays off?",
            "They can review the charge and decide. I can't promise, but they often do.",
        ),
        Step("", "Okay. I'll keep holding.", "Thank you for your patience, {first}."),
        Step("", "Any news?", "They're just finishing another call. You're next."),
        Step("", "This is taking ages 😅", "I know, I'm sorry. It won't be much longer."),
    )
    priority = (0, 1, 2, 3, 4, 5)
    filler = (
        ("Hello? Still there?", "Yes, still here. Thanks for bearing with us."),
        ("Any news from the supervisor?",
         "Not yet; they're finishing another call. You've been waiting {minutes} minutes, I know."),
        ("Okay. I'll keep holding.", "Thank you, {first}. I'll stay on the line with you."),
        ("This is taking ages 😅", "I know, I'm sorry. It won't be much longer."),
        ("Can they call me back instead?",
         "They can, but you'd lose your place in the queue. You're next in line."),
        ("No, I'll stay on. Danke schön.", "You're welcome. I'll tell you the moment they join."),
    )  # fmt: skip
    closing = ("", "Fine, I'll wait. Thanks.")

    def greeting(self) -> str:
        return f"Thanks for holding, {self.first}. A supervisor will be with you shortly."

    def farewell(self) -> str:
        return "Thank you for waiting. The supervisor is joining the call now."

    def wrap_up(self) -> str:
        return self.farewell()


SCRIPTS: dict[str, type[Script]] = {
    "front desk": FrontDesk,
    "billing": Billing,
    "survey": Survey,
    "reminders": Reminders,
    "triage": Triage,
    "escalation": Escalation,
}


def script_for(role: str) -> type[Script]:
    return SCRIPTS.get(role, FrontDesk)
