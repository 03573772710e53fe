"""The default model: a question-aware extractive reader, no LLM.

It reads the question (:mod:`qa.question`): the kind of answer wanted and the words it is about. Among the
retrieved sentences it looks for one that is about those words (IDF-weighted, the article's title counting
for every sentence of it) and holds a candidate of the wanted kind (:mod:`qa.candidates`) next to them. The
answer leads with that candidate, a verbatim span, then quotes the clause it stands in, cited:
``38 million euros — "Tavros United have signed … for a club-record fee of 38 million euros." [1]``.
When no sentence holds such a candidate it refuses, with the one refusal sentence. "Who wrote …" and
"when was … published" are answered from the article's record. Everything is lexical: an answer costs a few
milliseconds on top of retrieval.

The passages are read sentence by sentence (:mod:`qa.sentences`); a sentence must first hold what the question
requires of it (:mod:`qa.requirements`); who "he" or "the 24-year-old" is, the passage says
(:mod:`qa.coreference`); "Who is X?" is answered by what the article calls X (:mod:`qa.description`); a long
sentence is quoted around its short answer (:mod:`qa.quoting`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from qa.about import MIN_ABOUT, RANK_PENALTY, covered
from qa.acronyms import abbreviated_by, acronyms
from qa.candidates import (
    PART_OF,
    PLAIN_CAUSE,
    WHOLE_OF,
    Candidate,
    find,
    find_ailments,
    find_asked,
    looks_like_person,
    names_in_title,
    person_after_title,
    title_case,
    without_title,
)
from qa.classes import members, members_pattern, preferred
from qa.conversation import points_back, searched_with
from qa.coreference import antecedent, full_name, is_demonym, pointed_to, speaks_of
from qa.description import description
from qa.entities import entities, labels_at, load_tagger
from qa.metadata import metadata_answer
from qa.offices import office_of
from qa.passage import Passage
from qa.places import leading_place, place_kind
from qa.prompt import Message
from qa.question import (
    NAME_KINDS,
    PAST_FORMS,
    PEOPLE_NOUNS,
    PERSON_NOUNS,
    QUANTITY_KINDS,
    Kind,
    Question,
    alternatives,
    analyse,
    focus_stems,
    last_question,
    light_words,
    stem,
    word_spans,
    words,
)
from qa.quoting import quote_around
from qa.refusal import CANNOT_ANSWER, NO_SUPPORTING_SENTENCE
from qa.relative_dates import dates_named, spelled
from qa.requirements import (
    GENERIC_HEAD_STEMS,
    HOME_COUNTRY,
    names_present,
    ordinal_present,
    owned,
    owned_by_pronoun,
    owners_named,
    place_present,
    places_asked,
    places_counted_in,
    required_names,
)
from qa.sentences import Sentence, article, sentences_of

IdfLookup = Callable[[str], float]

# Tuned on short-dev and RealTime QA dev (the only question sets here): figures are optimistic for new ones.
# (The share of the question's focus weight a sentence must cover, and the tie-break by rank: qa.about.)
_TITLE_WEIGHT = 0.5  # a focus word in the title counts half: the sentence is about its article's subject
_CONTEXT_WEIGHT = 0.7  # a focus word elsewhere in the passage: the sentence may not repeat what its story set up
_MIN_PASSAGE_ABOUT = 0.55  # share of a long question's focus weight the sentence's passage and title must hold
_MANY_FOCUS_WORDS = 6
_NEAR = 0.35  # weight of a candidate's closeness to the focus words
_MAX_FURTHER = 2  # sentences after the first, each adding question words the answer had not covered
_NEW_FACT_SHARE = 0.08  # of the question's focus weight, newly covered, for a further sentence
_LEAD_NEAR = 0.5  # closeness (1 / (1 + words apart / 2)) a candidate needs to be stated as the short answer
_MIN_ABOUT_FURTHER = 0.4  # a further sentence, by its own words and its title's (not its passage's)
_MIN_ABOUT_PLAIN = 0.6  # a name question answered by a sentence with no capitalised candidate must be this close
_TARGET_WINDOW = 4  # words between a count and what it counts ("29 league goals")
_AGE_REACH = 8  # words between an age and the one it is of, in a sentence that names them
# The name a story keeps coming back to (see ExtractiveGenerator._salient), when no one sentence answers:
_SALIENT_STORY = 0.4  # share of the question's focus weight the passage (with its title) must hold
_SALIENT_SIMILARITY = 0.5  # and the passage's cosine with the question (the embedding model bridges wordings)
_SALIENT_ARTICLE = 0.75  # or the share of its words for what happened its article's retrieved passages hold
_SALIENT_ARTICLE_WORDS = 3  # and how many of those words at least
_SALIENT_ABOUT = 0.2  # a sentence voting for a name must be this much about the question, in its own words
_SALIENT_SHARE = 0.3  # the name's share of all the votes
_SALIENT_VOTES = 0.3  # its votes (summed "about", less the rank penalty)
_HEADLINE_SIMILARITY = 0.5  # the story's cosine with a long question whose headline answers it
_HEADLINE_STORY = 0.3  # and the share of the question's focus weight the story (with its title) holds
_HEADLINE_GIST = 0.2  # and a headline's account of what happened, for less than its story's
_HEADLINE_FIGURE = 0.1  # a headline's number or date counts for less than the story's own sentences
_OPENING_WEIGHT = 0.5  # a focus word of the question a follow-up's "it" points back to
_VOTE = 1.0  # weight of the agreement of other sentences on a candidate (its share of all candidates' support)


@dataclass(frozen=True)
class _When:
    """The years and the nights (or mornings…) of the week a question names when it asks for something else: a
    sentence naming only others tells of another year, or another night."""

    years: frozenset[str]
    days: frozenset[str]

    @staticmethod
    def asked(q: Question, now: Question) -> _When:
        years = _YEAR_IN.findall(now.text) if q.kind not in (Kind.DATE, Kind.DURATION, Kind.AGE) else []
        # A day alone may be the event's where the story is the next day's ("…delayed Wednesday" is told as
        # "Thursday, after … the day before"); a slot is a slot: "Friday night" is not "Saturday night".
        days = _DAY_SLOT.findall(now.text) if q.kind is not Kind.DATE else []
        return _When(frozenset(years), frozenset(d.lower() for d in days))

    def another(self, sentence: str) -> bool:
        # (Not a year it measures from: "a 14% jump from 2008" tells of the year after.)
        years = set(_YEAR_IN.findall(_BASELINE_YEAR.sub("", sentence))) if self.years else set()
        days = {d.lower() for d in _WEEKDAY.findall(sentence)} if self.days else set()
        return bool(years and not years & self.years) or bool(days and not days & self.days)


@dataclass(slots=True)
class Pick:
    passage: Passage
    sentence: str
    lead: str  # the short answer, a verbatim span of the sentence ("" when the question has no answer kind)
    score: float
    stems: frozenset[str] = frozenset()
    further: list[Sentence] = field(default_factory=list)  # sentences adding facts the question asks about


class ExtractiveGenerator:
    name = "extractive"
    refusal_reason = NO_SUPPORTING_SENTENCE
    # Where it finds no answer in the ranked passages, it reads the top article whole (see Answerer.stream).
    whole_articles = 1
    condenses_as_searched = True

    def __init__(self, idf: IdfLookup) -> None:
        self.idf = idf
        load_tagger()  # with the reader, so that the first who-question doesn't wait for it

    def condense(self, question: str, history: Sequence[Message]) -> str:
        # Without a model to rewrite it, a follow-up is read as searched: with the questions it goes on from.
        return searched_with(question, history)

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        # ``question`` is already condensed (the Answerer asked ``condense`` first): condensing it again would
        # join the conversation's questions to it a second time.
        yield self.answer(question, passages)

    def answer(self, question: str, passages: Sequence[Passage]) -> str:
        q = analyse(question)
        if q.metadata:
            return metadata_answer(q, passages, self.idf)
        pick = self.pick(q, passages)
        if pick is None:
            return CANNOT_ANSWER
        if q.kind is Kind.PERSON and not pick.lead:
            pick.lead = antecedent(pick.sentence, pick.passage, q)
        quote = quote_around(pick.sentence, pick.lead, set(q.focus))
        if pick.lead and pick.lead.lower() != quote.lower():
            # A sentence that opens with the article's own quotation mark is not wrapped in a second pair.
            own = quote.lstrip("…").startswith(("“", '"'))
            lead = pick.lead
            if q.kind is Kind.PERSON:
                lead = full_name(lead, pick.passage)
            elif q.kind is Kind.PLACE:
                lead = _with_region(lead, pick.sentence)
            elif q.kind is Kind.DATE:
                lead = _with_date(lead, pick.sentence, pick.passage)
            first = f"{lead} — {quote if own else f'“{quote}”'} [{pick.passage.n}]"
        else:
            first = f"{quote} [{pick.passage.n}]"
        # One sentence a line: a headline has no full stop to end it, and the sentences are checked one by one.
        return "\n".join([first, *(f"{x.text} [{x.passage.n}]" for x in pick.further)])

    # --- reading ------------------------------------------------------------------------------------------
    def pick(self, q: Question, passages: Sequence[Passage]) -> Pick | None:
        """The sentence that answers ``q`` and its short answer, or None when no retrieved sentence does."""
        found = self._pick(q, passages, q)
        whole = any(not p.ranked for p in passages)
        if found is None and whole and (last := last_question(q.text)) != q.text:
            # A follow-up no sentence answers naming what the whole conversation named ("How many have ended up in
            # hospital?", after "How many people have caught measles in Texas?") may be answered by one naming
            # what the follow-up itself names, in a passage naming the conversation's ("Twenty-two people…").
            # Only once the top article has been read whole (see Answerer.stream): a sentence there naming the
            # conversation's place ("Saturday's quake has left at least 1,297 dead… reported Haiti's…") is the
            # likelier answer than one in the ranked passages that doesn't ("It killed an estimated 200,000").
            found = self._pick(q, passages, analyse(last))
        return found

    def _pick(self, q: Question, passages: Sequence[Passage], now: Question) -> Pick | None:
        """:meth:`pick`, a sentence naming what ``now`` names (the question itself, or the follow-up asked last)."""
        scope = {stem(w) for n in q.names if n in HOME_COUNTRY for w in words(n)}
        closed = q.kind is Kind.NAME and members_pattern(q.target_stem) is not None
        if closed:
            scope.add(q.target_stem or "")  # "What nationality is Radescu?": "the Romanian" says it without the word
        # A person is named in full once and by surname after: "Brennick, 24, has now scored…" is about Tomas
        # Brennick whole, so the first name weighs nothing of its own.
        # (In a follow-up, where the name stands for "he" or "she": one typed in full may be meant in full.)
        if q.earlier:
            scope |= {stem(first) for name in _people_named(now) for first in words(name)[:-1]}
        # A follow-up's own words ("Which judge ruled?") are what a sentence must be about; the question before it
        # found the article (retrieval searched both) and needn't be said again.
        weights = {f: self.idf(f) for f in q.focus if f not in scope and f not in q.earlier}
        own = set(weights)
        if sum(weights.values()) <= 0:
            # Nothing of its own ("Over how long?", "What drove it?"): about what the conversation opened with.
            weights = {f: self.idf(f) for f in q.opening or q.focus if f not in scope}
        elif q.opening and points_back(last_question(q.text)):
            # "Who announced it?": "it" is what the conversation opened with (the new plant), in part.
            weights |= {f: _OPENING_WEIGHT * self.idf(f) for f in q.opening if f not in scope and f not in weights}
        total = sum(weights.values())
        if total <= 0:
            return None
        question_stems = {stem(w) for w in words(q.text)}
        name_stems = {stem(w) for n in q.names for w in words(n)}
        required = required_names(now)
        # A follow-up naming no one ("How many people were on the train?") is about the names the conversation
        # gave, which set the scene: its answer may be a sentence of their story that doesn't repeat them.
        scene = bool(q.earlier) and not required & required_names(analyse(last_question(q.text)))
        # The names and places only earlier questions said are the story's: a follow-up naming no one is answered
        # from a passage (or an article titled) naming one of them.
        setting = (required_names(q) | places_counted_in(q)) - required - places_counted_in(now)
        owners = owners_named(now)
        places = places_asked(now)
        counted_in = places_counted_in(now)
        when = _When.asked(q, now)
        light = light_words(q)
        content = [f for f in weights if f not in name_stems and f not in q.described and f not in light]
        # What the sentence must say of its own: a follow-up's own words when it has some ("Why was it closed?" is
        # not answered by the sentence that the bridge reopened, however much of the opening question it holds).
        # (Not a verb of saying alone: "Who announced it?" is answered by "Pereira said the company would open…".)
        told = [f for f in content if f in own and f not in _REPORTING] if q.earlier else content
        # How someone reacted may be anything they said; which "said" answers, who said it decides: "How did
        # residents react?" is not answered by "…the library's director, Colin Barr, said."
        told = [f for f in told if f not in _RESPONSES] or told or content
        # "How many people were injured?" is not answered by "Two people were killed…", nor "How many died?" by
        # "four people remained in serious condition": of the tolls news counts side by side, the one asked must
        # be the sentence's.
        asked_now = set(focus_stems(last_question(q.text)))  # a follow-up's toll, not the conversation's
        toll = next((t for t in _TOLLS if t.intersection(asked_now)), None) if q.kind is Kind.COUNT else None
        # (Not "What is the event called?": the thing named may be written only by its name.)
        subject = _subject(now) if not q.earlier and q.kind not in NAME_KINDS else None
        subject = subject if subject in weights else None
        eligible: list[tuple[float, Sentence]] = []
        # (score, sentence, candidate, lead): every sentence that could answer, before the vote across them.
        options: list[tuple[float, Sentence, Candidate | None, str]] = []
        sentences = sentences_of(passages)
        if q.heads:
            # Who runs it is said by the office news gives a person, or not said: a body "running" it, or a
            # person named without that office, is no answer.
            return self._head(q, sentences, weights, total, required, setting, name_stems)
        for sentence in sentences:
            about = self._about(sentence, weights, total)
            if about < MIN_ABOUT:
                continue
            if not names_present(q, sentence, required) and not (
                scene and required & (sentence.context_stems | sentence.title_stems)
            ):
                continue
            if (
                setting
                and not required
                and not setting & (set(sentence.stems) | sentence.context_stems | sentence.title_stems)
            ):
                continue  # "How many people were killed?", in a talk about Haiti's quake: not Turkey's
            if not ordinal_present(places, sentence) or not place_present(counted_in, sentence):
                continue
            if subject and not (set(sentence.stems) | sentence.context_stems | sentence.title_stems).intersection(
                alternatives(subject)
            ):
                continue  # "When will schools reopen?" is not answered by a story that never speaks of schools
            if (
                q.kind in QUANTITY_KINDS
                and required
                and not required & set(sentence.stems)
                and _of_another(q, sentence)
            ):
                continue  # "Holmes was convicted on four counts", in Balwani's story: Holmes's count, not his
            if when.another(sentence.text):
                continue  # "…word of the year for 2022?" is not answered by "In 2021 the Oxford word of the year was…"
            have = set(sentence.stems) | sentence.title_stems
            if owners and owned_by_pronoun(q, sentence):
                have |= sentence.context_stems  # "his running mate Francia Marquez", in a story about Petro
            if not owned(owners, have):
                continue  # "Who is New Zealand's prime minister?": whose it is, the sentence (or its headline) says
            if len(weights) >= _MANY_FOCUS_WORDS and _story_about(sentence, weights, total) < _MIN_PASSAGE_ABOUT:
                # A long question describes its event in many words; a story that holds few of them is about
                # another event sharing some. (Three words can't tell: one missing is a third of them.)
                continue
            # Names alone don't make a sentence about the question: "When did Velora say it would appeal?" is not
            # answered by "A court on Monday fined Velora Foods…". One of its other words must be there too.
            # (Or "He suffered an infection…", after the sentence that says he died: the cause of death.)
            said = any(set(sentence.stems).intersection(alternatives(f)) for f in told)
            if toll and not toll.intersection(sentence.stems):
                continue
            if content and not said and not _tells_ailment(q, sentence) and not _gives_name(q, sentence):
                continue
            if q.polar and not _states(q, sentence, told or list(own & set(weights)), weights):
                continue
            if not content and not set(sentence.stems).intersection(weights) and not speaks_of(q, sentence):
                # "Where is Fenmoor?", "How old is Radescu?" ask about the name alone: a sentence that names it
                # neither in its own words nor by pointing back to it says nothing of it, whatever its story does.
                continue
            score = about - RANK_PENALTY * sentence.rank
            if q.kind in QUANTITY_KINDS and sentence.headline:
                score -= _HEADLINE_FIGURE  # "…awarded $2M…": a headline rounds what its story states in full
            elif q.kind in (Kind.ANY, Kind.CAUSE) and sentence.headline:
                # "What did the study find?": "…cuts blood sugar spikes, study finds" is the gist; the story's
                # sentence says what, of whom and by how much ("…lowered blood sugar spikes in adults with type 2
                # diabetes by nearly a third"). So with why: "…amid stubborn inflation" is the gist of "…after
                # consumer prices rose faster than expected in October".
                score -= _HEADLINE_GIST
            eligible.append((score, sentence))
            lead = ""
            cand: Candidate | None = None
            if q.kind is Kind.DESCRIPTION:
                lead = description(q, sentence.text, sentence.headline)
                if not lead:
                    continue
            elif q.kind is Kind.CAUSE:
                if not find(Kind.CAUSE, sentence.text) and not _tells_ailment(q, sentence):
                    continue
                if _SAYS_CAUSE.search(sentence.text):
                    # "…was caused by a faulty software update", not "…restored service after an outage": "after"
                    # and "following" are more often when than why.
                    score += _NEAR
            elif q.kind is not Kind.ANY:
                found = self._best_candidate(q, sentence, question_stems, name_stems, weights, toll)
                if found is not None and found[0] is None and q.kind is Kind.NAME:
                    found = None  # only names the tagger says can't answer: as if it named none
                if found is not None:
                    cand, near = found
                    score += _NEAR * near
                    # Only a candidate right next to what the question asks about is stated as the answer.
                    lead = cand.text if cand and near >= _LEAD_NEAR else ""
                    if lead and q.kind is Kind.PERSON:
                        lead = without_title(lead)  # "Who scored twice?": Tomas Brennick, not "Striker Tomas Brennick"
                    if lead and cand and q.kind in NAME_KINDS and _plural(q.target):
                        lead = _with_rest_of_list(cand, sentence.text)  # "Which branches…?": all those it names
                elif q.kind is Kind.PERSON and (pointed := pointed_to(sentence, q)):
                    lead = pointed  # "She's also serving as mission commander": who she is, the sentences before say
                elif q.kind is not Kind.NAME or about < _MIN_ABOUT_PLAIN or closed or _refers_back(q, sentence):
                    # Numbers, dates, ages, people and places are written in known ways: none, no answer. A thing
                    # may be named in lower case ("polio"): a sentence closely about it will do, unless the
                    # question asks for one of a closed class ("which sport…?") and the sentence names none.
                    continue
            options.append((score, sentence, cand, lead))
        best: Pick | None = None
        votes = _votes(options, question_stems)
        scored = []
        for score, sentence, cand, lead in options:
            if cand is not None and votes and not _setting(q, cand):
                # Redundancy: the answer several retrieved sentences about the question agree on is the likelier
                # one (AskMSR, Brill et al. 2002); a name the best sentence merely mentions gets no such support.
                score += _VOTE * _support(cand, votes)
            scored.append((score, sentence, lead))
        for score, sentence, lead in scored:
            if best is None or score > best.score:
                best = Pick(sentence.passage, sentence.text, lead, score, frozenset(sentence.stems))
        if best is None and q.kind in NAME_KINDS:
            best = self._salient(q, sentences, weights, total, question_stems, name_stems, owners, when)
        if best is None and q.kind in NAME_KINDS and len(weights) >= _MANY_FOCUS_WORDS:
            # A long question the story keeps no one name for: its headline, if it names something of the kind.
            def names_one(sentence: Sentence) -> bool:
                found = self._best_candidate(q, sentence, question_stems, name_stems, weights)
                return found is not None and found[0] is not None

            best = _headline(sentences, weights, total, names_one)
        if best is not None:
            best.further = self._further(best, eligible, weights, {f: weights[f] for f in content}, total)
        return best

    def _head(
        self,
        q: Question,
        sentences: list[Sentence],
        weights: dict[str, float],
        total: float,
        required: set[str],
        setting: set[str],
        name_stems: set[str],
    ) -> Pick | None:
        """Who runs what the question names: the person (or body) a sentence gives a top office (qa.offices), in
        a story about it. The sentence itself need not name it: "Governor Elena Marsk, 58, told reporters…" stands
        in the reserve bank's story, which is how news writes who heads what."""
        asked = {a for f in weights for a in alternatives(f)}
        best: Pick | None = None
        for sentence in sentences:
            story = _story_about(sentence, weights, total)
            if story < MIN_ABOUT or not names_present(q, sentence, required):
                continue
            if setting and not required and not setting & (set(sentence.stems) | sentence.context_stems):
                continue  # "Who runs that group?": the group of the story the conversation is about
            for cand in _candidates(q, sentence):
                # The tagger may take the office into the name ("Vice-Chancellor Robert Teague"): the one who
                # holds it is what follows it. (A body may run something too: "The grid operator, Westmark Power".)
                starts = [cand.start + m.start() for m in re.finditer(r"\S+", cand.text)]
                held = [(at, whose) for at in starts if (whose := office_of(sentence.text, at, cand.end)) is not None]
                if not held:
                    continue
                at, whose = held[0]
                name = sentence.text[at : cand.end]
                if {stem(w) for w in words(name)} & name_stems:
                    continue
                if whose and not {stem(w) for w in words(whose)} & (asked | name_stems):
                    continue  # "Who runs the railway?" is not answered by "Fire Chief Anita Roscoe"
                # The story decides; a sentence that names the thing run as well says so more plainly.
                score = story + self._about(sentence, weights, total) - RANK_PENALTY * sentence.rank
                if best is None or score > best.score:
                    best = Pick(sentence.passage, sentence.text, name, score, frozenset(sentence.stems))
        return best

    def _salient(
        self,
        q: Question,
        sentences: list[Sentence],
        weights: dict[str, float],
        total: float,
        asked: set[str],
        names: set[str],
        owners: set[str],
        when: _When,
    ) -> Pick | None:
        """The name a story about the question keeps coming back to, when no one sentence answers.

        "Which country was plunged into a nationwide blackout?" finds no sentence about plunging, nationwide and
        blackout at once; the story the retriever found ("Cuba's power grid fails…") names Cuba again and again.
        Every sentence of a passage that is about the question (by its words, and by the embedding model's
        cosine, which bridges "blackout" and "power grid fails") votes for the fitting names it holds, with how
        much it is about the question; a name with a clear share of the votes answers, quoted from the sentence
        that voted for it most.
        """
        votes: dict[str, float] = {}
        where: dict[str, tuple[float, Sentence, Candidate]] = {}
        # Each passage once (its headline and text hold every sentence's words; see qa.sentences.sentences_of).
        held: dict[str, set[str]] = {}
        for sentence in {id(s.passage): s for s in sentences}.values():
            held.setdefault(sentence.passage.doc_id, set()).update(sentence.title_stems, sentence.context_stems)
        # (By the words for what happened: a story about Trump is not about whatever Trump did this week. And by
        # several: any story about a marriage holds all "Who is Assange's wife?" says of one.)
        events = {f: w for f, w in weights.items() if f not in names}
        told = {
            doc: covered(have, events) / sum(events.values())
            for doc, have in held.items()
            if sum(1 for f in events if have.intersection(alternatives(f))) >= _SALIENT_ARTICLE_WORDS
        }
        for sentence in sentences:
            # Close to the question by the embedding model's cosine, or by the words for what happened its article's
            # retrieved passages hold together ("plunged" in one, "blackouts" in another): a long article spreads
            # its story over passages the cosine finds far.
            close = (
                sentence.passage.similarity >= _SALIENT_SIMILARITY
                or told.get(sentence.passage.doc_id, 0.0) >= _SALIENT_ARTICLE
            )
            if (
                not close
                or _story_about(sentence, weights, total) < _SALIENT_STORY
                or not owned(owners, set(sentence.stems) | sentence.title_stems | sentence.context_stems)
                or when.another(sentence.text)
            ):
                continue  # a story about another country's prime minister says nothing of New Zealand's
            if not self._about(sentence, weights, total, context=False, title=False):
                # Not one of the question's words of its own: every sentence of a story shares its headline's
                # ("…captain Lena Varga steered it free" says nothing of who owns the ferry).
                continue
            about = self._about(sentence, weights, total, context=False)
            vote = about - RANK_PENALTY * sentence.rank
            if about < _SALIENT_ABOUT or vote <= 0:
                continue
            seen: set[str] = set()
            for cand in _candidates(q, sentence):
                cand = _trim(cand, asked)
                key = " ".join(stem(w) for w in words(cand.text))
                if key in seen or not _fits(q, cand, set(key.split()), asked, names, sentence.text[: cand.start]):
                    continue
                if _wrong_slot(q, sentence.text, cand) or (q.kind is Kind.PLACE and _place_fit(q, cand, 0.0) is None):
                    continue
                if _names_no_one(q, cand) and is_demonym(sentence.text, cand):
                    continue  # "…are Afro-Colombian women" tells of someone, not who (as in _best_candidate)
                seen.add(key)
                votes[key] = votes.get(key, 0.0) + vote
                if key not in where or vote > where[key][0]:
                    where[key] = (vote, sentence, cand)
        # The tagger is asked about the likeliest names, one by one, not about every sentence that voted.
        ranked = sorted(votes, key=lambda k: -votes[k])
        top = next((k for k in ranked if _tagged_as_asked(q, where[k][1].text, where[k][2])), None)
        if top is None:
            return None
        if votes[top] < _SALIENT_VOTES or votes[top] / sum(votes.values()) < _SALIENT_SHARE:
            return None
        _, sentence, cand = where[top]
        return Pick(sentence.passage, sentence.text, cand.text, votes[top], frozenset(sentence.stems))

    def _further(
        self,
        best: Pick,
        eligible: list[tuple[float, Sentence]],
        all_weights: dict[str, float],
        weights: dict[str, float],
        total: float,
    ) -> list[Sentence]:
        """Sentences that state more of what the question asks about: a long question names several facts,
        and one sentence seldom holds them all. Each must cover question words (other than names: a name
        again is no new fact) that the answer so far doesn't."""
        # A sentence answering with no short answer says it with its headline: "Do cyclists pay to cross the
        # bridge?", answered from the story headlined "Harbour Bridge…reopens", needs no second sentence for
        # "bridge". (Where a short answer leads, the headline added may name what the sentence didn't: kept.)
        headline = [s.title_stems for _, s in eligible if s.passage is best.passage and not best.lead]
        said = best.stems.union(*headline)
        covered = {f for f in weights if said.intersection(alternatives(f))}
        out: list[Sentence] = []
        for _, sentence in sorted(eligible, key=lambda e: -e[0]):
            if len(out) == _MAX_FURTHER:
                break
            if sentence.text == best.sentence or not sentence.passage.ranked:
                # A passage that didn't rank (the rest of the top article) may answer, but pads no answer: a long
                # story holds more of a question's words than the sentence a reader needs.
                continue
            other = sentence.passage.doc_id != best.passage.doc_id
            if other and _story_about(sentence, all_weights, total) < _MIN_PASSAGE_ABOUT:
                continue  # another article, about another story: "…29 league goals last season" is no pollution
            if self._about(sentence, all_weights, total, context=False) < _MIN_ABOUT_FURTHER:
                continue  # its passage may be about the question; a sentence added must be, by its own words
            new = {f for f in weights if f not in covered and set(sentence.stems).intersection(alternatives(f))}
            if sum(weights[f] for f in new) / total >= _NEW_FACT_SHARE:
                out.append(sentence)
                covered |= new
        return out

    def _about(
        self, sentence: Sentence, weights: dict[str, float], total: float, context: bool = True, title: bool = True
    ) -> float:
        have = set(sentence.stems)
        covered = 0.0
        for term, weight in weights.items():
            if have.intersection(alternatives(term)):
                covered += weight
            elif title and sentence.title_stems.intersection(alternatives(term)):
                covered += _TITLE_WEIGHT * weight
            elif context and sentence.context_stems.intersection(alternatives(term)):
                covered += _CONTEXT_WEIGHT * weight
        return covered / total

    def _best_candidate(
        self,
        q: Question,
        sentence: Sentence,
        question_stems: set[str],
        name_stems: set[str],
        weights: dict[str, float],
        toll: frozenset[str] | None = None,
    ) -> tuple[Candidate | None, float] | None:
        """The candidate that best answers ``q`` in ``sentence`` and how close it stands to what is asked; (None, 0)
        when the sentence names only what the tagger says can't answer; None when it names nothing that could.
        ``toll``: the toll a count question asks for ("died"), when it asks for one."""
        spans = word_spans(sentence.text)
        target = q.target_stem
        targets = set(alternatives(target)) if target else set()
        # (The noun asked, not a word of another kind stemmed alike: "the fishing cooperative" holds no fish,
        # though "polluting the river" is pollution.)
        target_at = [
            i
            for i, s in enumerate(sentence.stems)
            if s in targets
            and not (
                _GERUND.search(sentence.text[: spans[i][1]])
                and _MODIFIES.match(sentence.text, spans[i][1])
                and not _GERUND.search(q.target or "")  # "How long is the basic training?"
            )
        ]
        focus = {a for f in weights for a in alternatives(f)}
        focus_at = [i for i, s in enumerate(sentence.stems) if s in focus]
        who = name_stems.union(q.described)
        content_at = [i for i in focus_at if sentence.stems[i] not in who]
        # Whom "How old was the passenger?" asks of, in its own words (not "How old is she?" after a question)
        whom = (
            {a for f in focus_stems(last_question(q.text)) if f not in who for a in alternatives(f)}
            if q.kind is Kind.AGE
            else set()
        )
        # "How much did it grow?", "Up by how much?"
        asks_change = q.kind is Kind.AMOUNT and (
            bool(_CHANGE.intersection(q.focus)) or bool(_UP_BY.search(last_question(q.text)))
        )
        best: tuple[Candidate | None, float] | None = None
        closest = 0.0
        untagged = False
        for cand in _candidates(q, sentence):
            first, last = _word_range(spans, cand)
            # (A one-character candidate, "the number 9 shirt", holds no word: the slot is the word after it.)
            cand_stems = set(sentence.stems[first : last + 1]) if _holds_word(spans, first, cand) else set()
            # The answer is not what the question already says ("Which club did Radescu leave?" is not Radescu).
            # (By all its words and numbers: "Category 4" is not "category", whatever the index keeps of "4".)
            # (Nor a question word in the sentence's form: "Led by Jared Isaacman…" for "Who leads…?".)
            if cand_stems and {stem(w) for w in re.findall(r"\w+", cand.text.lower())} <= question_stems | focus:
                continue
            inside_target = bool(targets & cand_stems)  # "the Sallow River" for "which river"
            cand = _trim(cand, question_stems)
            before = sentence.text[: cand.start]
            if not inside_target and not _fits(q, cand, cand_stems, question_stems, name_stems, before):
                continue
            one_of = said_of = False
            if q.kind is Kind.COUNT and _AGE_OWNER.search(before) and sentence.text[cand.end :].startswith((",", ")")):
                continue  # "the train driver, Gareth Mullen, 49, and…": his age, no count
            unit = _MEASURE_WORD.match(sentence.text, cand.end) if q.kind is Kind.COUNT else None
            if unit and stem(unit.group(1).lower()) not in targets:
                continue  # "the 12-week study": how long, no count of people (but "a 225,000-acre area" counts acres)
            part = _BY_PLACE.match(sentence.text, cand.end) if q.kind is Kind.COUNT else None
            if part and not {stem(w) for w in words(part.group(1))} & question_stems:
                continue  # "the deaths of eight people in Collier County, five in Volusia County…": one county's
            if q.kind is Kind.COUNT and _counts_another_toll(sentence.text[cand.end :], toll or frozenset()):
                # "How many died?": not the 31 of "Two people were killed and 31 injured"; "How many people were
                # on the train?", which asks no toll: neither.
                continue
            if q.kind is Kind.COUNT and target and not inside_target:
                # "29 league goals": what is counted follows the number closely; "the number 9 shirt": a
                # number asked for may follow the word. People are counted by what befell them too: "How many
                # people got sick?" by "13 illnesses".
                counted = target_at + (content_at if q.target in PEOPLE_NOUNS else [])
                # "This amendment is one of only 17 made": the count counts the noun the sentence began with.
                one_of = bool(_ONE_OF.search(sentence.text[: cand.start])) and any(i < first for i in target_at)
                if WHOLE_OF.search(sentence.text[: cand.start]) and not _ASKS_WHOLE.search(q.text):
                    continue  # "How many branches will it close?": "three of its eleven branches", not eleven
                # (And the part counts what the whole does, however many words later: "three of its eleven branches".)
                one_of = one_of or bool(PART_OF.match(sentence.text[cand.end :]))
                if not one_of and not any(last < i <= last + _TARGET_WINDOW or i == first - 1 for i in counted):
                    continue
                # "four student draft deferments": words describing what is counted keep it next to its count.
                said_of = any(_describes(spans, sentence.text, last, i) for i in target_at if last < i)
            elif target and q.kind in _TARGET_REQUIRED and not (inside_target or target_at):
                continue  # "What is Heliant's share price?": a sentence without a price doesn't say
            # A count stands by what it counts ("29 league goals"); a measure may stand by its verb instead
            # ("the plume rose 20 kilometers").
            anchors = target_at + focus_at if q.kind is Kind.AMOUNT else target_at or focus_at
            if q.kind in (Kind.DATE, Kind.PLACE) and not target_at and content_at:
                # When or where something happened stands by the word for what happened, not by who it befell:
                # "Byrne died Thursday" dates his death, not when he was governor; "in September 2010, Walters
                # alleged…" is not when she sued.
                anchors = content_at
            distance = min((_gap(first, last, i) for i in anchors), default=12)
            # When or where attaches to its verb across small words: "reopened to traffic on Monday" says when it
            # reopened as closely as "reopened on Monday" (the words between, not their count). (Nor the question's
            # own names: "In 2025, the Kestrel Festival was June 3-8" says when it was.) So does a measure:
            # "inflation climbed to 5.1%" says how high as closely as "inflation of 5.1%". But "How much was
            # stolen?" is not answered by "around 60% of the stolen goods", a share of it (as "How much of an
            # average wage…?" is, by "around 29% of the average wage"), however close.
            if q.kind in _ACROSS_SMALL_WORDS and anchors and not _share_of(q, cand, sentence.text):
                distance = min(
                    _gap(first, last, i) - _small_between(sentence.stems, first, last, i, name_stems) for i in anchors
                )
            near = 1.0 if inside_target else 1.0 / (1.0 + distance / 2)
            # "TikTok, the Chinese-owned app": the sentence says what the name is, in so many words.
            apposed = q.kind in NAME_KINDS and any(
                _in_apposition(sentence.text, cand, spans, last, i) for i in target_at
            )
            if apposed:
                near = max(near, _LEAD_NEAR)
            if one_of or said_of:
                near = max(near, _LEAD_NEAR)  # however far the noun it counts was named
            changed = _CHANGED_BY.search(sentence.text[: cand.start]) or _CHANGE_NOUN.match(sentence.text[cand.end :])
            if asks_change and changed:
                near += _CHANGE_BONUS  # "How much did Heliant's profit grow?": "…up 18 percent", not the profit
            if _wrong_slot(q, sentence.text, cand):
                continue
            if q.kind is Kind.PERSON and _undergoes(sentence.text[cand.end :], focus):
                continue  # "Madonna, Live Nation sued by fans": who was sued, not who sued
            if q.kind is Kind.PERSON and _PRESENT.search(q.text) and _FORMER.search(sentence.text[: cand.start]):
                continue  # "Who is Bed Bath & Beyond's CEO?" is not answered by "its former CEO Mark Tritton"
            if q.kind is Kind.PERSON and _GONE_TO.search(sentence.text[: cand.start]):
                near = max(near, _LEAD_NEAR)  # "The headline slot … went to singer-songwriter Maeve Ardell": who got it
            if q.kind is Kind.PERSON and q.target in PERSON_NOUNS:
                if not looks_like_person(cand.text):
                    continue  # "Which NFL player…?" is answered by a person's name, not "Super Bowl"
                near += _PERSON_BONUS
                if _SUBJECT_AFTER.match(sentence.text[cand.end :]):
                    near += _PERSON_BONUS / 2  # "Russell Okung, who played…", "Okung said": the one it is about
            elif _names_no_one(q, cand) and is_demonym(sentence.text, cand):
                # "The 24-year-old Romanian scored…" tells of someone, not who (the sentences before may); "the first
                # American moon landing" names no rocket.
                continue
            if cand.family == "called" and (q.target in (None, "name") or _ASKS_NAME.search(q.text)):
                near = 1.0  # "What is it called?": what the article says it is called is the answer
            if cand.family == "died_at":
                near = max(near, _LEAD_NEAR)  # "Greenspan died Monday at 100": the age of the one who died
            if q.kind is Kind.AGE and anchors and distance > _AGE_REACH:
                continue  # "The star, 42, … married Alba Baptista": an age far from the one asked is another's
            if q.kind is Kind.AGE and not _age_of_asked(q, sentence.text[: cand.start], whom):
                continue  # "How old was the passenger?": not "the train driver, Gareth Mullen, 49"
            if cand.family == "quoted":
                if not target_at:
                    continue  # a quoted word is the one asked only where the sentence speaks of one: not "“outspoken”"
                if any(i < first for i in target_at):
                    near = max(near, _LEAD_NEAR)  # "the Oxford word of the year was “vax”": the word asked, quoted
            if cand.family == "member":
                near = max(near, _LEAD_NEAR)  # "Which sport…?": a sport in a sentence about the question is its kind
            if q.kind is Kind.PLACE:
                head = leading_place(cand.text) if place_kind(cand.text) is None else None
                if head and _PLACE_TARGETS.get(q.target or "") == place_kind(head):
                    # "Which state is Santos from?": "Santos' fellow New York Republicans" says it.
                    cand = Candidate(head, cand.start, cand.start + len(head), cand.family)
                locative = bool(_LOCATIVE.search(sentence.text[: cand.start]))
                if locative:
                    near = max(near, _LEAD_NEAR)  # "…collapsed in the town of Brask": a place is where "in" points
                fit = _place_fit(q, cand, near, locative)
                if fit is None:
                    continue  # "Which state…?": states are few and known; a city, a person or a paper is no answer
                near = fit
            # A name holding the noun asked ("Tarn River"), one of a closed class asked for ("violet"), what the
            # article says a thing is called, or a name the noun asked stands beside ("ATACMS, U.S.-supplied
            # long-range missiles") is of the kind asked, whatever the tagger takes it for.
            vouched = inside_target or apposed or cand.family in ("member", "called")
            if not vouched and not _tagged_as_asked(q, sentence.text, cand):
                # "Who…?" is not answered by what the tagger knows as a place, "where…?" by a person; the sentence
                # may still answer in words ("brought by 1,400 residents of the town of Wyle"), with no short answer.
                untagged = True
                continue
            # Of two names as close to the question's nearest word, the one by more of its words: "West plays
            # Prince Charles and Debicki plays Princess Diana" answers who plays Diana with Debicki. (Numbers
            # stand in runs, "9 to 14 feet", where that says nothing.)
            by = sum(1.0 / (1.0 + _gap(first, last, i) / 2) for i in set(anchors)) if q.kind in NAME_KINDS else 0.0
            if best is None or (near, by) > (best[1], closest):
                best, closest = (cand, near), by
        return best if best or not untagged else (None, 0.0)


_ASKS_NAME = re.compile(
    r"\b(?:called|call|known as|name of|named|dubbed|nicknamed|(?:another|other|real|full|stage|birth|maiden) name)\b",
    re.I,
)
# Who holds a post now is asked in the present ("Who is…", "who runs…"); who "former CEO X" was is another.
_PRESENT = re.compile(r"\b(?:is|are|who's|runs|leads|heads|manages|owns)\b", re.I)
_FORMER = re.compile(r"\b(?:former|ex-|onetime|one-time|then-|late)\s*(?:[\w-]+\s+){0,3}$", re.I)
# Where a name can only be a place ("off Holm", "in Ostrava"); "at", "to" and "from" take people too.
_PLACE_SLOT = re.compile(r"\b(?:in|near|off|outside|inside|across|throughout)\s+(?:the\s+)?$")
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|from|to)(?: the (?:\w+ )?(?:town|city|village|port|region|state) of)?\s+$"
)
_ACROSS_SMALL_WORDS = frozenset({Kind.DATE, Kind.PLACE, Kind.AMOUNT, Kind.MONEY, Kind.PERCENT})
_TARGET_REQUIRED = frozenset({Kind.COUNT, Kind.AMOUNT, Kind.MONEY, Kind.PERCENT, Kind.DURATION})


# "How many branches does the library have?" asks for the whole of "three of its eleven branches".
_ASKS_WHOLE = re.compile(r"\b(?:have|has|had|own|owns|operates?|total|in all|altogether)\b", re.I)
_ONE_OF = re.compile(r"\bone of (?:only |just |the |about |some )?$", re.I)


def _states(q: Question, sentence: Sentence, asked: list[str], weights: dict[str, float]) -> bool:
    """Whether ``sentence`` may answer the yes/no question ``q`` yes or no: it (or its headline) says the
    question's rarest word of its own (its names may stand in the sentences around) and any number it gives. "Have any
    birds died?" is not answered by "Around 300 fish have died…", nor "Does it help type 1 diabetes?" by a study
    of type 2: neither says, so the articles don't. (Where "died" weighs more than "herons", as over a few short
    articles, "Have any herons died?" still is: the rarest word decides.)"""
    have = set(sentence.stems) | sentence.title_stems  # "Do cyclists pay to cross the bridge?", under its headline
    asked = [f for f in asked if f not in _POLAR_LIGHT] or asked
    rarest = max((weights.get(f, 0.0) for f in asked), default=0.0)
    # (One of the rarest, where words weigh alike, as over a few short articles: "Was any data stolen?" is
    # answered by "…no customer data was lost", though it says "lost".)
    if asked and not any(have.intersection(alternatives(f)) for f in asked if weights.get(f, 0.0) >= rarest):
        return False
    numbers = re.findall(r"\b\d+\b", last_question(q.text))
    return set(numbers) <= set(re.findall(r"\b\d+\b", sentence.text))


# Words of a yes/no question that say how, not what: "Is it still open?", "Is Fink going to ask…?", "Was anyone
# hurt during the robbery?", "Is the expansion going ahead?".
_POLAR_LIGHT = frozenset(
    stem(w) for w in ["go", "going", "ahead", "still", "during", "anyone", "any", "anything", "someone", "ever", "yet"]
)


def _of_another(q: Question, sentence: Sentence) -> bool:
    """Whether ``sentence`` opens with a person the question doesn't name: what it counts or dates is theirs."""
    end = next((e for s, e, label in entities(sentence.text) if s == 0 and label == "PERSON"), None)
    if end is None:
        return False
    name = sentence.text[:end]
    if {w.lower() for n in q.names for w in words(n)}.intersection(words(name)):
        return False
    # A sentence's first word is capitalised whatever it is, and the tagger may take "Turnout" or "Fireworks" for
    # someone: one word is a name where the passage writes it capitalised inside a sentence ("…Elizabeth Holmes")
    # and never in lower case ("patriotic fireworks displays").
    if looks_like_person(name):
        return True
    text = sentence.passage.text
    return not re.search(rf"\b{re.escape(name.lower())}\b", text) and bool(
        re.search(rf"[a-z,;:]\s+(?:\w+\s+)?{re.escape(name)}\b", text)
    )


def _age_of_asked(q: Question, before: str, asked: set[str]) -> bool:
    """Whether an age written after a name ("the train driver, Gareth Mullen, 49,") is of the one asked about: a
    person the question names, or someone it asks of by a word (``asked``: "passenger") the name is given as
    ("the passenger, Ann Lee, 71", "Driver Gareth Mullen, 49"). An age after no name is left to the distance rule."""
    owner = _AGE_OWNER.search(before)
    if owner is None:
        return True
    asked_now = last_question(q.text)  # "…Folk Festival? Who headlined? How old is she?": not the festival's
    named = {w for name in q.names if name in asked_now for w in words(name)}
    if named:
        return bool(named.intersection(words(owner.group(1))))
    if not asked:
        return True  # "How old is she?": whom, the conversation says
    described = _DESCRIBED_AS.search(before[: owner.start(1)])
    said = words(owner.group(1)) + (words(described.group(1)) if described else [])
    return bool(asked.intersection(stem(w) for w in said))


def _people_named(q: Question) -> list[str]:
    """The people ``q`` names in full, by the tagger ("How old is Tomas Brennick?"), not a body named alike."""
    people = []
    for name in q.names:
        start = q.text.find(name)
        if len(words(name)) > 1 and start >= 0 and "PERSON" in labels_at(q.text, start, start + len(name)):
            people.append(name)
    return people


def _subject(q: Question) -> str | None:
    """The stem of the common noun a question asks about, as its grammatical subject ("When will schools
    reopen?", "How long was the bridge shut?"), or None (a name, a pronoun, or no such clause)."""
    m = _SUBJECT.search(last_question(q.text))
    if m is None or not m.group(2).islower():
        return None
    if m.group(1) in ("has", "have", "had") and (m.group(2).endswith("ed") or m.group(2) in PAST_FORMS):
        return None  # "How many students have lost classes?": "lost" is the verb, its subject came before
    return stem(m.group(2))


_SUBJECT = re.compile(
    r"\b(will|did|does|do|is|was|are|were|has|have|had|can|could|would)\s+(?:the\s+|a\s+|an\s+)?([a-z][\w-]+)"
    r"\s+(?!of\b)[a-z]+\w*\s*\??$"
)


def _plural(noun: str | None) -> bool:
    return bool(noun) and len(noun) > 3 and noun.endswith("s") and not noun.endswith("ss") and stem(noun) != noun


def _with_rest_of_list(cand: Candidate, sentence: str) -> str:
    """The candidate and the names listed after it: "Millbank, Crossway and Eastgate", verbatim."""
    listed = _LIST_AFTER.match(sentence, cand.end)
    return sentence[cand.start : listed.end()] if listed else cand.text


_NAME_IN_LIST = r"[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*)*"
# A list closes with "and" or "or": "Millbank, the city's oldest" is no list, but an apposition.
_LIST_AFTER = re.compile(rf"(?:,\s+{_NAME_IN_LIST})*,?\s+(?:and|or)\s+{_NAME_IN_LIST}")


def _with_region(lead: str, sentence: str) -> str:
    """A town with the state or country the sentence writes after it: "Providence, Rhode Island", verbatim."""
    at = sentence.find(lead)
    if at < 0 or place_kind(lead) in ("state", "country"):
        return lead
    m = _REGION_AFTER.match(sentence, at + len(lead))
    if m and place_kind(m.group(1)) in ("state", "country"):
        return sentence[at : m.end(1)]
    return lead


_REGION_AFTER = re.compile(r",\s+([A-Z]\w*(?:\s[A-Z]\w*)*)")


def _with_date(lead: str, sentence: str, passage: Passage) -> str:
    """A day named from the article's date with the date it means: "Monday (June 22, 2026)" for "died Monday"
    in a story published on June 23 (qa.relative_dates; none for "Saturday, April 12", which says it already)."""
    at = sentence.find(lead)
    if at < 0:
        return lead
    for start, end, day in dates_named(sentence, passage.published):
        if at <= start and end <= at + len(lead):
            return f"{lead} ({spelled(day)})"
    return lead


def _headline(
    sentences: list[Sentence], weights: dict[str, float], total: float, names_one: Callable[[Sentence], bool]
) -> Pick | None:
    """The headline of the story a long question describes, when no sentence answers and no name recurs.

    A quiz question sets the scene in many words ("Which company's cloud service went down for several hours on
    Monday, causing a major internet outage?"); the story the retriever found for them, close by the embedding
    model's cosine and holding a good share of those words, is the one asked about, and its headline is its own
    summary ("Is Amazon Alexa down? Thousands report issues amid AWS outage"). It is quoted whole when it names
    something of the kind asked, with no short answer: which of its names is the one asked the reader can't tell.
    A short question says too little to be sure of the story, and is not answered this way.
    """
    for sentence in sentences:
        if not sentence.headline or sentence.passage.similarity < _HEADLINE_SIMILARITY:
            continue
        if _story_about(sentence, weights, total) >= _HEADLINE_STORY and names_one(sentence):
            return Pick(sentence.passage, sentence.text, "", 0.0, frozenset(sentence.stems))
    return None


def _story_about(sentence: Sentence, weights: dict[str, float], total: float) -> float:
    have = set(sentence.stems) | sentence.title_stems | sentence.context_stems
    return covered(have, weights) / total


def _candidates(q: Question, sentence: Sentence) -> list[Candidate]:
    """What in ``sentence`` could answer ``q``: a member of the closed class it asks for ("which sport…?"), or
    a span of the kind it wants."""
    listed = members(q.target_stem, sentence.text) if q.kind is Kind.NAME else None
    if listed is not None:
        return listed
    if q.kind is Kind.NAME and (written := preferred(q.target_stem, sentence.text)):
        return written
    # A surname alone opens many sentences about a person ("Snook, who's best known…"); the article says
    # whether that first word is a name. Other kinds of name seldom stand alone there.
    context = article(sentence.passage) if q.kind in (Kind.PERSON, Kind.PLACE) else ""
    found = find_asked(q, sentence.text, context)
    if sentence.headline and title_case(sentence.text):
        return names_in_title(found, sentence.text, sentence.passage.text)
    return found


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _candidate_words(cand: Candidate, question_stems: set[str]) -> set[str]:
    """What a candidate is told apart by: its numbers whole ("4.75", "280000": split at their points and commas,
    "$280,000" and "12,000 litres" would share "000"), and the stems of its other words."""
    numbers = {m.group().replace(",", "") for m in _NUMBER.finditer(cand.text)}
    return (numbers | {stem(x) for x in words(_NUMBER.sub(" ", cand.text))}) - question_stems


def _votes(options: list[tuple[float, Sentence, Candidate | None, str]], question_stems: set[str]) -> dict[str, float]:
    """Each word of a candidate, with the summed score of the sentences (one per passage text) proposing it."""
    votes: dict[str, float] = {}
    for score, _, cand, _ in options:
        if cand is None:
            continue
        for w in _candidate_words(cand, question_stems):
            votes[w] = votes.get(w, 0.0) + max(score, 0.0)
    total = sum(votes.values())
    return {w: v / total for w, v in votes.items()} if total > 0 else {}


def _support(cand: Candidate, votes: dict[str, float]) -> float:
    return max((votes.get(w, 0.0) for w in _candidate_words(cand, set())), default=0.0)


def _trim(cand: Candidate, question_stems: set[str]) -> Candidate:
    """ "Manager Sigrun Aalto" for "Who is the Tavros manager?" leads with "Sigrun Aalto": the role is asked;
    "Avelo Airlines CEO Andrew Levy" with "Andrew Levy": the person is named after the title."""
    if cand.family != "name":
        return cand
    parts = person_after_title(cand.text).split()
    if "of" in parts[1:-1]:
        return cand  # a body's name: "Philadelphia Museum of Art" for "which museum", not "Art"
    # (Not down to a bare number: "Category 4" answers "what category".)
    # (Nor a word opening a place's name: "New Castle County" for "Where is the new tower being built?".)
    while (
        len(parts) > 1
        and (stem(parts[0]) in question_stems or parts[0] in _JOINERS)
        and not parts[1].isdigit()
        and parts[0].lower() not in _PLACE_OPENERS
    ):
        parts = parts[1:]  # not the end: "Sallow River" answers "which river"; "Trump and Russian" is no name
    text = " ".join(parts)
    start = cand.start + cand.text.rfind(text)
    return Candidate(text, start, start + len(text), cand.family)


_PLACE_OPENERS = frozenset(
    ["new", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "upper", "lower", "great"]
)


def _fits(
    q: Question, cand: Candidate, cand_stems: set[str], asked: set[str], names: set[str], before: str = ""
) -> bool:
    """Whether a name could answer ``q`` at all: it is not one the question names, and is of the kind asked.
    ``before``: the sentence up to the name."""
    body = bool(_BODY_BEFORE.search(before))
    # (A body named after the place the question names is another name, by its own words: "residents' group Save
    # Greyfield Valley" for "Who took the Greyfield landfill to court?")
    if (
        cand_stems & (names - GENERIC_HEAD_STEMS)
        and not (body and cand_stems - names - asked)
        and not cand_stems & _contenders(q)
    ):
        return False  # "Caroline Kennedy" for "…given the John F. Kennedy Profile in Courage Award?"
    # (A kind of place or body it shares is no name: "Lake County" is not "Polk County"; but "Screen Actors Guild
    # Awards" is "the SAG Awards", its initials spelled out.)
    own = " ".join(w for w in cand.text.split() if stem(w.lower()) not in names)
    if any(abbreviated_by(cand.text, a) or abbreviated_by(own, a) for a in acronyms(q.names)):
        return False  # "New York City" for "…launched from in NYC?": the question's own place, spelled out
    # (A number the question doesn't say is news, whatever words come with it: "4 percent" answers "What
    # percentage…?", though one-digit numbers are no word the index keeps.)
    new_number = bool(set(_NUMBER_IN.findall(cand.text)) - set(_NUMBER_IN.findall(q.text)))
    if (
        cand_stems
        and not new_number
        and all(c in asked or (len(c) >= 4 and any(a.startswith(c) for a in asked)) for c in cand_stems)
    ):
        return False  # "Japan" for "which Japanese island" (but "US" is no prefix of "used")
    thing = (place_kind(cand.text) or _VENUE.search(cand.text) or _CONTEST.search(cand.text)) and not body
    if q.kind is Kind.PERSON and (cand.text.lower() in _NOT_WHO or thing or _NUMBERED.fullmatch(cand.text)):
        # "who" asks for a person or a body, never a place or a contest: not "Charlotte Speedway", not "Ohio", not
        # "the Regional Challenge Cup" (but "residents' group Save Kestrel Valley" is a body, named after its place).
        return False
    # "Which home goods chain…?" is not answered by "New Jersey": a state or country answers only for a place
    # (or for a team, which sport names after one).
    return not (q.kind is Kind.NAME and q.target and q.target not in _NAMED_AFTER_PLACES and place_kind(cand.text))


def _tagged_as_asked(q: Question, sentence: str, cand: Candidate) -> bool:
    if q.kind not in _TAGS_REFUSED:
        return True
    if q.kind is Kind.PLACE and _LOCATIVE.search(sentence[: cand.start]):
        return True  # "a smelter in Ostrava": the small tagger takes a name it doesn't know for a person's
    if q.kind is Kind.PLACE and sentence[cand.end :].startswith("-based"):
        return True  # "a Lewes-based nonprofit": the tagger takes "Lewes" for a people; "-based" says a place
    labels = labels_at(sentence, cand.start, cand.end)
    if q.kind is Kind.PLACE and "PERSON" in labels and not labels & _PLACE_TAGS and looks_like_person(cand.text):
        return False  # "Olivia Pollock and Hutchinson were arrested…": people, though the tagger half sees a body
    refused = _TAGS_REFUSED[q.kind]
    if q.kind is Kind.PERSON and q.target in PERSON_NOUNS:
        refused = refused | {"ORG", "NORP"}  # "Which doctor…?" wants a person, not a clinic
    elif q.kind is Kind.NAME:
        # "Which team / missiles / chain…?" is not answered by a person ("Chuck Pagano", "Biden"), unless the
        # noun may name one ("economist", "designer") or a work, which people name after people; nor by a
        # place, unless it is a team or a school.
        if q.target not in _WORKS and not (q.target and _AGENT_NOUN.search(q.target)):
            refused = refused | {"PERSON"}
        if q.target not in _NAMED_AFTER_PLACES:
            refused = refused | {"GPE", "LOC"}
    # No label: the tagger saw no name there, and the reader's own checks decide. Any fitting label will do
    # ("New York Republicans" holds a place).
    return not labels or not labels <= refused


_NOT_NAMES_OF_ANY = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "LANGUAGE", "LAW", "WORK_OF_ART"}
)
# Labels that can't answer: a person or a body is no place, a place no person.
_TAGS_REFUSED = {
    Kind.PERSON: _NOT_NAMES_OF_ANY | {"GPE", "LOC", "FAC", "EVENT", "PRODUCT"},
    Kind.PLACE: _NOT_NAMES_OF_ANY | {"PERSON", "NORP", "EVENT", "PRODUCT"},
    Kind.NAME: frozenset(),  # a thing may be a number ("780-72" for the vote) or a date; see _tagged_as_asked
}
_PLACE_TAGS = frozenset({"GPE", "LOC", "FAC"})
_AGENT_NOUN = re.compile(r"(?:ist|ian|er|or|ant|ent)s?$")
_WORKS = frozenset(
    [
        "film",
        "films",
        "movie",
        "movies",
        "book",
        "books",
        "novel",
        "song",
        "songs",
        "album",
        "show",
        "shows",
        "series",
        "play",
        "documentary",
        "title",
    ]
)

# A contest is played for, not who plays: "Who do they play in the final?" is not "the Regional Challenge Cup".
_CONTEST = re.compile(r"\b(?:Cup|Trophy|Championships?|Tournament|Bowl|Olympics)$")
# Where things happen, named: "Charlotte Speedway", "MetLife Stadium".
_VENUE = re.compile(
    r"\b(?:Speedway|Raceway|Stadium|Arena|Airport|Park|Field|Hall|Theat(?:er|re)|Gardens?|Square|Station|Street|"
    r"Avenue|Bridge|Course|Coliseum|Center|Centre)$"
)


def _contenders(q: Question) -> frozenset[str]:
    """Stems of the sides a question names as contending ("Who won the semi-final between Harbourton and
    Kelvale?"): one of them is the answer, though the question names it."""
    return _contenders_in(last_question(q.text))


@lru_cache(maxsize=1 << 10)
def _contenders_in(asked: str) -> frozenset[str]:
    # Cached: _fits asks for every candidate of every sentence, and the question is the same each time.
    m = _BETWEEN.search(asked) if _OUTCOME.search(asked) else None  # not "the deal between Apple and Google"
    return frozenset(stem(w) for side in m.groups() for w in words(side)) if m else frozenset()


_SIDE = r"([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)"  # a capitalised name, "Kelvale City"
_BETWEEN = re.compile(rf"\bbetween\s+{_SIDE}\s+and\s+{_SIDE}")
_OUTCOME = re.compile(r"\b(?:won|win|wins|winning|beat|lost|lose|loses)\b", re.I)
_NAMED_AFTER_PLACES = frozenset(["team", "teams", "side", "club", "squad", "school", "university", "college"])
# Parties and peoples: "Republican" is what someone is, not who.
_NOT_WHO = frozenset(
    ["republican", "republicans", "democrat", "democrats", "democratic", "gop", "american", "americans", "british"]
)
_GONE_TO = re.compile(r"\b(?:went|goes|go|gone|handed|awarded|given)\s+to\s+(?:[a-z][\w-]*\s+)?$")
# A thing counted in a series is no one: "Season 4", "Game 7", "Category 5". (A band may be: "Maroon 5".)
_NUMBERED = re.compile(
    r"(?:Season|Series|Episode|Game|Match|Week|Round|Stage|Leg|Category|Level|Phase|Chapter|Part|Day|Volume)\s+\d+"
)
# A noun saying the name after it is a body's: "residents' group Save Kestrel Valley", "the charity Keep Tarrow".
_BODY_BEFORE = re.compile(
    r"\b(?:group|campaign|charity|association|society|coalition|company|firm|union|party|organi[sz]ation)\s+$", re.I
)
_JOINERS = frozenset(("and", "of", "&", "the", "for", "de"))
# "Which state…?" wants one of the states, "which country…?" a country: another kind of name is a worse fit.
_PLACE_TARGETS = {"state": "state", "country": "country", "nation": "country"}
# Smaller places: a state or a country is no answer to "which city?".
_LOCAL_TARGETS = frozenset(["city", "cities", "capital", "town", "village", "county", "neighborhood", "neighbourhood"])
_DEATH = frozenset(["die", "death"])
_MEASURE_WORD = re.compile(r"-([a-z]+)")  # a number made a measure by its unit: "12-week", "15-minute"
# A name right before an age, with its comma: "Gareth Mullen, 49", "Mullen, who is 49" (as qa.candidates finds it).
_AGE_OWNER = re.compile(r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*),\s*(?:(?:who|aged|age)\s+(?:is\s+|was\s+)?)?$")
# The words a name is given as, before it: "the train driver, Gareth Mullen", "its chair, Ann Lee".
_DESCRIBED_AS = re.compile(r"\b(?:the|a|an|its|their|his|her)\s+((?:[\w-]+\s+){0,2}[\w-]+),?\s*$")
_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_DAY_SLOT = re.compile(rf"{_WEEKDAY.pattern}(?=\s+(?:night|morning|afternoon|evening)\b)", re.I)
_BASELINE_YEAR = re.compile(r"\b(?:from|since|than|compared (?:with|to))\s+(?:19|20)\d\d\b", re.I)
# Words of change, in one table: what a question asks with ("How much did the profit grow?") and how a sentence
# says a figure is the change ("rose 18 percent", "an increase of 18 percent", "a 14% jump"). A verb's forms
# that stand before a figure, and the nouns that stand after one.
_CHANGE_VERBS: dict[str, tuple[str, ...]] = {
    "rise": ("rose", "risen", "rise", "rising"),
    "grow": ("grew", "grown", "growing"),
    "fall": ("fell", "fallen", "falling"),
    **{verb: (f"{verb.removesuffix('e')}ed",) for verb in ("increase", "decrease", "jump", "climb", "decline")},
    **{verb: (f"{verb.removesuffix('e')}ed",) for verb in ("gain", "surge", "plunge", "soar")},
    "drop": ("dropped",),
    # A cut or a fall is a change too: "How much did walking cut blood sugar spikes?": "…lowered them by a third".
    "cut": ("cuts", "cutting"),
    "lower": ("lowered", "lowering"),
    "reduce": ("reduced", "reducing"),
    "boost": ("boosted", "boosting"),
}
_CHANGE_NOUNS = ("jump", "drop", "rise", "increase", "decrease", "gain", "decline", "fall", "surge", "climb")
_CHANGE_NOUNS += ("growth", "hike", "cut", "plunge")
_CHANGE = frozenset(stem(w) for verb, forms in _CHANGE_VERBS.items() for w in (verb, *forms))
_CHANGED_BY = re.compile(
    rf"\b(?:up|down|by|{'|'.join(f for forms in _CHANGE_VERBS.values() for f in forms)}|"
    rf"(?:an? )?(?:{'|'.join(_CHANGE_NOUNS)}) of)"
    r"(?: (?:about|nearly|almost|more than|some|roughly|around))?\s+$",
    re.IGNORECASE,
)
# Or the noun after it: "representing a 14% jump from 2008", "a 65% drop in cases".
_CHANGE_NOUN = re.compile(rf"\s+(?:{'|'.join(_CHANGE_NOUNS)})s?\b", re.I)
_UP_BY = re.compile(r"\b(?:up|down)\s+(?:by\s+)?how\s+much\b", re.I)
_REPORTING = frozenset(
    stem(w) for w in ("announce", "announced", "say", "said", "confirm", "report", "reveal", "tell", "told", "state")
)
# Counts news gives side by side: a question asking one is not answered by a sentence counting another.
_TOLLS = tuple(
    frozenset(stem(w) for w in toll.split())
    for toll in (
        "kill killed die died dead death deaths perish fatal",
        "injure injured injuring injuries hurt wounded wounding",
        "missing",
        "rescued rescue",
        "arrested arrest detained",
        "evacuated evacuate",
    )
)


def _counts_another_toll(after: str, toll: frozenset[str]) -> bool:
    """Whether the words right after a number say it counts another toll than ``toll``: "31 injured", "five
    people missing"."""
    following = [w for w in words(after)[:3] if w not in PEOPLE_NOUNS and w not in ("were", "are", "others")]
    return bool(following) and any(stem(following[0]) in other for other in _TOLLS if other is not toll)


_SAYS_CAUSE = re.compile(rf"\b(?:{PLAIN_CAUSE})\b", re.I)
# A word in "-ing" before a noun it describes ("fishing cooperative"), not a verb before its object or clause.
_GERUND = re.compile(r"\w\wing$", re.I)
_MODIFIES = re.compile(
    r"\s+(?!(?:the|a|an|its|his|her|their|this|that|these|those|in|on|at|of|to|for|with|by|from|and|or|into|over|"
    r"up|out|off|down|is|was|are|were|has|had|will|would)\b)[a-z]"
)
_RESPONSES = frozenset(stem(w) for w in ("react", "respond"))
_WHERE_IN = re.compile(r"\b[Ww]here\s+in\s+[A-Z]")
_CHANGE_BONUS = 0.5
_PLACE_BONUS = 0.5
_PERSON_BONUS = 0.5
# A name in the slot of a source ("said Sky News", "reported The Telegraph", "according to Reuters", "NHS
# England said") is who tells the news, never where it happened.
_SOURCE_BEFORE = re.compile(r"\b(?:said|says|reported|reports|told)\s+(?:the\s+)?$", re.I)
_ACCORDING_TO = re.compile(r"\baccording to\s+(?:the\s+)?$", re.I)
_SOURCE_AFTER = re.compile(r"[’']?s?\s+(?:said|says|reported|reports|told)\b")


def _names_no_one(q: Question, cand: Candidate) -> bool:
    """Whether a people's adjective can't answer ``q``: a who-question, or one asking which thing of a kind
    ("What rocket…?", "…at which iconic venue?"). A nationality asked for is one of a closed class (a "member"),
    and "What is Runa's energy drink made from?", whose noun is what it asks about, may be answered by "Amazonian
    guayusa leaves"."""
    if q.kind is Kind.PERSON:
        return True
    if q.kind is not Kind.NAME or not q.target or cand.family == "member":
        return False
    return _asks_which(q.text, q.target)


@lru_cache(maxsize=1024)
def _asks_which(question: str, target: str) -> bool:
    """ "What rocket…?", "…at which iconic venue?": read once per question, not once per candidate."""
    return bool(re.search(rf"\b(?:what|which)\s+(?:[\w-]+\s+){{0,2}}?{re.escape(target)}\b", question, re.I))


def _setting(q: Question, cand: Candidate) -> bool:
    """A state or a country, for a where-question that asks for no such thing: it answers on its own sentence's
    merits, without the others' votes. The story's setting ("Michigan") is named in sentence after sentence and
    would outvote the place asked about ("…at the State Police headquarters in Dimondale")."""
    return q.kind is Kind.PLACE and q.target is None and place_kind(cand.text) in ("state", "country")


def _gives_name(q: Question, sentence: Sentence) -> bool:
    """ "What is Dara's real name?" is answered by "…congratulate Dara (aka Darina Nikolaeva Yotova)", which says
    what she is called without the question's "real"."""
    return bool(_ASKS_NAME.search(q.text)) and any(c.family == "called" for c in find(Kind.NAME, sentence.text))


def _tells_ailment(q: Question, sentence: Sentence) -> bool:
    """Whether ``sentence`` says what killed the one a death question asks about: for "What did Byrne die of?",
    "He suffered an infection that went into his lungs", after the sentence that says he died, in none of the
    question's words but his name."""
    return q.kind is Kind.CAUSE and bool(_DEATH.intersection(q.focus)) and bool(find_ailments(sentence.text))


def _wrong_slot(q: Question, sentence: str, cand: Candidate) -> bool:
    """Whether ``cand`` stands where no answer of the kind asked can: "…a year, said Sky News" tells who reports,
    not where; "…ran aground off Holm" where, not who; "until 1964" when something stopped, not when it happened."""
    if q.kind is Kind.PLACE:
        return _is_source(sentence, cand)
    if q.kind is Kind.DATE and cand.text.lower().startswith("until ") and "until" not in q.text.lower():
        return True  # "…spokesperson of the Nation of Islam until 1964 – was killed": when a state ended, not an event
    return q.kind is Kind.PERSON and bool(_PLACE_SLOT.search(sentence[: cand.start]))


def _is_source(sentence: str, cand: Candidate) -> bool:
    before, after = sentence[: cand.start], sentence[cand.end :]
    if _ACCORDING_TO.search(before) or _SOURCE_AFTER.match(after):
        return True
    # "…a year, said Sky News." ends its clause; "said the US used more" opens the clause said.
    return bool(_SOURCE_BEFORE.search(before)) and not re.match(r"\s*\w", after)


def _undergoes(after: str, focus: set[str]) -> bool:
    """Whether the words after a name say it underwent what the question asks who did ("…, Live Nation sued by")."""
    passive = _PASSIVE_AFTER.match(after)
    return passive is not None and stem(passive.group(1).lower()) in focus


_PASSIVE_AFTER = re.compile(r",?\s+(?:(?:was|were|is|are|been|being|has been|have been|had been)\s+)?(\w+ed)\s+by\b")
_SUBJECT_AFTER = re.compile(r"(?:,\s|\s(?:said|says|told|has|had|was|is|announced|added|confirmed|wrote)\b)")


def _place_fit(q: Question, cand: Candidate, near: float, locative: bool = False) -> float | None:
    """How well ``cand`` answers a where / which-place question, from how close it stands and what it names;
    None when the question asks for a state or a country and it names another kind of place or none. A name no
    list knows counts as a place where "in" or "from" points to it ("had been in Vienna for talks"), as much as
    a country named beside it ("…halting Iran's nuclear program")."""
    named = place_kind(cand.text)
    if q.target in _LOCAL_TARGETS and named in ("state", "country"):
        return None  # "Which city elected its first female mayor?" is not answered by "Florida"
    if named in ("state", "country") and _WHERE_IN.search(last_question(q.text)):
        return None  # "Where in Bali is the summit being held?": somewhere inside it, not "Ukraine"
    if q.target is None and named in ("state", "country") and any(place_kind(n) == named for n in q.names):
        return None  # "Where did the UK's first womb transplant take place?": somewhere in the UK, not Sweden
    wanted = _PLACE_TARGETS.get(q.target or "")
    if named and (wanted is None or named == wanted):
        return max(near, _LEAD_NEAR) + _PLACE_BONUS
    if wanted:
        return None
    # (Also where a thing is, as "Where is Jin's boot camp?" asks: "the boot camp at Yeoncheon". Which town or
    # city, "in" can't tell: a name it points to may be a county or a region.)
    return near + _PLACE_BONUS if locative and q.target not in _LOCAL_TARGETS else near


def _word_range(spans: list[tuple[int, int]], cand: Candidate) -> tuple[int, int]:
    inside = [i for i, (s, e) in enumerate(spans) if s < cand.end and e > cand.start]
    if inside:
        return inside[0], inside[-1]
    before = sum(1 for s, _ in spans if s < cand.start)  # a one-letter candidate: the word slot it sits in
    return before, before


def _holds_word(spans: list[tuple[int, int]], i: int, cand: Candidate) -> bool:
    return i < len(spans) and spans[i][0] < cand.end and spans[i][1] > cand.start


def _refers_back(q: Question, sentence: Sentence) -> bool:
    """Whether ``sentence`` speaks of the thing a "which" question asks for as one already named: "…barred Ukraine
    from using the missiles" says nothing of which missiles."""
    if not q.target_stem:
        return False
    targets = set(alternatives(q.target_stem))
    spans = word_spans(sentence.text)
    return any(
        s in targets and _BEFORE_REFERENCE.search(sentence.text[: spans[i][0]]) for i, s in enumerate(sentence.stems)
    )


# (A word between in lower case: "the Patriot missiles" says which.)
_BEFORE_REFERENCE = re.compile(r"\b(?:[Tt]he|[Tt]hese|[Tt]hose|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir)\s+(?:[a-z][\w-]*\s+)?$")


def _in_apposition(text: str, cand: Candidate, spans: list[tuple[int, int]], last: int, i: int) -> bool:
    """Whether word ``i`` heads a phrase set beside the candidate (ending at word ``last``) to say what it is:
    "ATACMS, U.S.-supplied long-range missiles, …", "TikTok, the Chinese-owned app, …"."""
    if not last < i <= last + _APPOSITION_REACH or not _APPOSITION.fullmatch(text, cand.end, spans[i][0]):
        return False
    if _NAME_NEXT.match(text, spans[i][1]):
        return False  # "Matt Weiss, athletics director Warde Manuel": the noun is the next name's title
    return not _NOT_IN_APPOSITION.search(text, cand.end, spans[i][0])


_APPOSITION_REACH = 6  # words from a name to the noun of the phrase beside it
_APPOSITION = re.compile(r",\s+[\w.\s-]*")  # no comma, quote or bracket
_NAME_NEXT = re.compile(r"\s+[A-Z]")
# A clause, or a phrase of its own inside the one beside the name: "Sundar Pichai, CEO of Google and parent company
# Alphabet", "Hurricane Beryl, super-charged by warm seas", "…Zoe Saldaña, is named best original song".
_NOT_IN_APPOSITION = re.compile(
    r"\b(?:while|who|which|that|and|but|or|as|when|where|after|before|because|if|including|with|of|by|for|in|at|to|"
    r"from|on|is|was|are|were|be|been|has|have|had|will|would|said|says)\b",
    re.I,
)


def _describes(spans: list[tuple[int, int]], text: str, last: int, i: int) -> bool:
    """Whether the words between word ``last`` and word ``i`` (within a count's reach) only describe word ``i``:
    content words, no "of", "were" or "and" that would start another phrase."""
    if i - last > _TARGET_WINDOW:
        return False
    between = [text[s:e] for s, e in spans[last + 1 : i]]
    return all(w.isalpha() and w.islower() for w in between) and len(focus_stems(" ".join(between))) == len(between)


_NUMBER_IN = re.compile(r"\d+")
_SMALL_WORDS = frozenset(["to", "on", "in", "at", "the", "a", "an", "of", "for", "its", "their", "his", "her"])


def _small_between(stems: list[str], first: int, last: int, i: int, names: Collection[str] = ()) -> int:
    """How many of the words between word ``i`` and a candidate's words are small ones ("to", "on", "the") or
    words of ``names``."""
    between = stems[i + 1 : first] if i < first else stems[last + 1 : i]
    return sum(w in _SMALL_WORDS or w in names for w in between)


# A count by place, one of a list: "eight people in Collier County, five in Volusia County".
_BY_PLACE = re.compile(
    r"\s+(?:[a-z]+\s+){0,2}in ((?:[A-Z][\w.'’-]*\s?)+),\s+(?:\d[\d,]*|[a-z]+(?:-[a-z]+)?) (?:[a-z]+ )?in [A-Z]"
)
_ASKS_SHARE = re.compile(r"\b(?:much|many) of\b", re.I)


def _share_of(q: Question, cand: Candidate, sentence: str) -> bool:
    """Whether ``cand`` is a share of something ("60% of the stolen goods") where the question asks for an amount."""
    return (
        q.kind is Kind.AMOUNT
        and cand.family in ("percent", "fraction")
        and sentence[cand.end :].lstrip().startswith("of ")
        and not _ASKS_SHARE.search(q.text)
    )


def _gap(first: int, last: int, i: int) -> int:
    return 0 if first <= i <= last else (first - i if i < first else i - last)
