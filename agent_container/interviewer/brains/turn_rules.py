"""How the offline brain reads a candidate's turn: transparent phrase rules, deterministic, English first.

The reading, in order:
1. Nothing but fillers ("um", "uh", "okay") is `non_answer`.
2. Another language: a text clearly in a language other than the interview's (language_check), and not
   one of the profile's `allowed_languages`, is `other_language` with its tag.
3. Each sentence (one that turns at "but", "however" or a colon is two) is one of: a filler or a
   check-in ("does that answer the question?", "that's it"); a request of one kind (a phrase of `PHRASES`
   in a sentence of at most `MAX_REQUEST_WORDS` words, clarification questions up to
   `MAX_CLARIFICATION_WORDS`); a non-answer ("I don't know") or a request for a moment, unless the words
   outside the phrase say something (`LEFTOVER_CONTENT`: "no idea was too small for our team"); or
   content. A phrase inside reported speech ("my manager said let's stop here") is content. A question no
   phrase matched is a clarification, or a question for the interviewer when it is about the interview
   or the role, if the turn holds nothing else.
4. Content wins: with at least `CONTENT_OVER_REQUEST` words of content the turn is an `answer`, whatever
   else it holds, and a non-answer or a request for a moment gives way to `CONTENT_OVER_NON_ANSWER` words
   ("I don't know if it counts, but I once rewrote our billing job" is an answer; so are "Yes, twice."
   and a bare "Yes."). A turn of requests only is the strongest request, in the order of `PRECEDENCE`
   (stopping outranks skipping, skipping outranks a repeat, ...). Only fillers, or a bare "no", to an
   open question: `non_answer`.
5. At the close (`stage="closing"`) a question to the interviewer is `question_for_interviewer`, answered
   from the profile's FAQ, then its `about` text, else `say=None` (the conductor passes it on). A reply
   with no question in it ("no, that's all, thanks") is an `answer`: the candidate answered "do you have
   any questions?", and there is nothing to pass on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interview_common.models.job_profile import JobProfile, Question
from interview_common.models.turn import Exchange, TurnKind

from interviewer.brains.foreign_requests import foreign_request
from interviewer.brains.language_check import spoken_language
from interviewer.ports import TurnContext, TurnReading

TURN_RULES_VERSION = "turns-v1"
MAX_REQUEST_WORDS = 24
MAX_CLARIFICATION_WORDS = 36
CONTENT_OVER_REQUEST = 6  # words of content that make a turn with a request in it an answer
CONTENT_OVER_NON_ANSWER = 3  # words of content that make "good question. we rebuilt it" an answer
# Words of a sentence outside its non-answer or needs-a-moment phrase that make it content:
# "I don't know Kubernetes well, but I set up our cluster" is an answer.
LEFTOVER_CONTENT = 4  # content words: function words and talk about the answer itself do not count
WEAK_KINDS: frozenset[TurnKind] = frozenset({"non_answer", "needs_moment"})

# Request kinds, strongest first: when a turn holds several, the first one here is the reading.
PRECEDENCE: tuple[TurnKind, ...] = (
    "wants_to_stop",
    "skip_request",
    "repeat_request",
    "clarification",
    "question_for_interviewer",
    "needs_moment",
    "non_answer",
)

_YOU = r"(?:you|u|ya)"
_MODAL = r"(?:can|could|would|will|may|might|cn|culd|coud)"
_PLEASE = r"(?:please |pls |kindly |just |possibly |maybe |quickly )?"
_THAT = (
    r"(?:that|it|this|the question|the last question|the last part|the last bit|what you said|the end|"
    r"all that|all of that)"
)

PHRASES: dict[TurnKind, tuple[str, ...]] = {
    "wants_to_stop": (
        r"\bi(?:'d| would)? (?:really )?(?:want|wanna|wish|need|would like|like|prefer) to (?:stop"
        r"|end|quit|finish|leave|withdraw|hang up|drop out|terminate|call it)"
        r"(?! (?:the|a|our|my) (?:release|deploy|deployment|project|process|meeting|migration"
        r"|build|job|service)\b)",
        rf"\b{_MODAL} we (?:please |just )?(?:stop|end|finish|wrap up|wrap this up|call it|be done"
        rf"|cut this short)\b",
        r"\blet'?s (?:stop|end|call it|finish) (?:here|now|there|the interview|this|it|a day|quits)\b",
        r"\blet'?s (?:just )?(?:stop|end) (?:it|this)?\s*$",
        r"\b(?:end|stop|terminate|finish) (?:the|this) (?:interview|call|session|conversation)\b",
        r"\bi(?:'m| am) (?:done|finished|out|withdrawing|leaving|quitting|calling it)(?: here| now"
        r"| with this| for today)?\s*$",
        r"\bi(?:'m| am) (?:no longer|not) interested(?: anymore| any more| in (?:the|this) (?:role"
        r"|job|position))?\b",
        r"\bi (?:don'?t|do not) want to (?:continue|go on|do this|carry on|keep going)\b",
        r"\bi (?:can'?t|cannot|can not) (?:continue|go on|do this anymore|do this any more|keep going)\b",
        r"\bi (?:have|need|got|gotta|must) (?:to )?(?:go|leave|run|hang up)\b(?! (?:to|and|through|over|with"
        r"|back|the|a|into|for|on)\b)",
        r"\bsomething (?:came|has come|just came) up\b",
        r"\bi(?:'m| am) (?:going to|gonna) (?:stop|end|leave|quit|hang up)(?: here| now| the interview| this"
        r" interview| the call| it)?\b(?! (?:the|a|our|my) (?:release|deploy|project|process|build)\b)",
        r"\bi(?:'m| am) (?:withdrawing|pulling out|dropping out)\b",
        r"\b(?:i'd|i would) (?:rather|prefer to|like to) (?:end|stop|finish|quit|leave)\b"
        r"(?! (?:the|a|our|my) (?:release|deploy|deployment|project|process|meeting|migration|build)\b)",
        r"\bi (?:quit|withdraw)\b",
        r"\b(?:that'?s|that is) enough for (?:me|today)\b",
        r"\bwithdraw (?:my|from the) (?:application|candidacy|process)\b",
        r"^(?:good ?)?bye(?: bye)?\s*$",
        r"^(?:please )?stop(?: it| now| here| please| the interview)?(?:,? please)?\s*$",
    ),
    "skip_request": (
        r"\bskip(?:ping)? (?:this|that|it|the question|this question|this one|that one|ahead|to the next)\b",
        r"\b(?:can|could|may|shall) (?:we|i) (?:please |just )?skip\b",
        r"\b(?:i'd|i would|i'll|i will) (?:rather |prefer to |like to )?skip\b",
        r"\b(?:i'd|i would) (?:rather|prefer) not (?:to )?(?:answer|talk|discuss|go into|say|share"
        r"|get into)\b",
        rf"\b{_MODAL} (?:we|i) (?:please |just )?(?:move on|go to the next|have the next|do the"
        rf" next|pass|come back to (?:it|this|that))\b",
        r"\b(?:can|could) (?:we|i) (?:do|try|have|get) (?:a different|another|the next) (?:question|one)\b",
        r"\blet'?s (?:just )?(?:move on|skip|go to the next|do the next)\b",
        r"^(?:the )?next (?:question|one)(?:,? please)?\s*$",
        r"^(?:skip|next)(?: it| this| that)?(?:,? please)?\s*$",
        r"\b(?:go|move) on to the next\b",
        r"\bleave (?:this|that|it)(?: one)? (?:for now|for later|aside|out)\b",
        r"^(?:i(?:'ll| will)? )?pass(?: on (?:this|that|it)(?: one)?)?(?:,? (?:please|for now|sorry"
        r"|thanks|thank"
        r" you))*\s*$",
        r"\bi(?:'m| am) not (?:comfortable|willing|going to|gonna) (?:answering|answer|talking"
        r"|sharing|discussing|go into)\b",
        r"\bi(?:'d| would) rather not\s*$",
        r"\b(?:can|could|may) i (?:please )?(?:not answer|leave out|skip answering) (?:this|that|it)\b",
        r"\bnot (?:going|gonna) to answer (?:that|this)\b",
        r"\b(?:come|get) back to (?:it|this|that|this one|that one) later\b",
        # The reply to "shall we come back to it at the end?": "Later, please." (the conductor sets it aside).
        r"^(?:yes,? |ok,? |okay,? )?(?:maybe )?(?:later|at the end)"
        r"(?:,? (?:please|thanks|thank you))?\s*[.!]*$",
        r"\bmove on to the next (?:question|one)\b",
    ),
    "repeat_request": (
        rf"\b{_MODAL} {_YOU} {_PLEASE}(?:repeat|re-?peat|repat|reapeat|repaet|rpeat)\b",
        rf"\b{_MODAL} {_YOU} {_PLEASE}(?:say|ask|read|go over|go through|state) {_THAT}(?: one"
        rf" more time| again| once more| one more| slower| more slowly)\b",
        rf"\b{_MODAL} {_YOU} {_PLEASE}(?:say|ask|read) (?:it|that|the question) (?:one more time"
        rf"|again|once more)\b",
        rf"\b{_MODAL} i (?:please )?(?:hear|have|get) {_THAT} (?:again|one more time|once more|repeated)\b",
        r"^(?:please )?(?:repeat|say (?:it|that) again|again)(?: that| it| the question)?(?: please)?\s*$",
        r"\b(?:repeat|say) (?:that|it|the question) (?:please|again|one more time)\b",
        r"^(?:the )?question again(?: please)?\s*$",
        rf"\bi (?:didn'?t|did not|couldn'?t|could not) (?:quite |really |fully )?(?:catch|hear|get|make"
        rf" out) {_THAT}",
        rf"\bi (?:don'?t|can'?t|cannot) (?:quite |really |fully )?(?:catch|hear|make out) {_THAT}",
        r"\bi (?:didn'?t|did not|couldn'?t|could not) (?:quite |really )?(?:catch|hear) (?:you|the"
        r" question|all of it|everything|the whole thing)\b",
        r"\bi (?:missed|lost) (?:that|it|the question|the last part|what you said|the end|you|the"
        r" beginning)\b",
        r"\b(?:you|the audio|the sound|your voice|the line|the connection|your audio|it) (?:cut"
        r" out|broke up|was breaking|is breaking|dropped|froze|glitched|was choppy|is choppy|was"
        r" cutting|is cutting)\b",
        r"\bwhat (?:was|is|were) the (?:question|last question|last part)\b",
        r"\bwhat did you (?:just )?(?:say|ask)\b",
        r"^(?:sorry|pardon|pardon me|excuse me|come again|what|huh|eh|beg your pardon|i beg your"
        r" pardon|sorry what|what was that)\s*$",
        r"\bone more time(?: please)?\s*$",
        r"\b(?:mind|try) repeating\b",
        r"\brepeating (?:that|it|the question)\b",
        r"\bi (?:didn'?t|did not|couldn'?t|could not) (?:quite |really )?(?:catch|hear|get) (?:the whole|all"
        r" of the|the full|the entire|the first part of the|the end of the) question\b",
        r"\b(?:say|repeat) (?:that|it) (?:one more time|again)\b",
        r"\brepeat the question\b",
        r"^(?:please )?say (?:again|once more|one more time)\b",
        rf"\b{_MODAL} {_YOU} {_PLEASE}say again\b",
        r"\bcome again\s*$",
    ),
    "clarification": (
        rf"\b(?:do|did) {_YOU} (?:mean|want me to talk about|want an example|want a)\b",
        rf"\bwhat (?:do|did) {_YOU} mean\b",
        r"(?#q)\b(?:so )?(?:do )?you want (?:a|an|me|the|my|to know|something)\b.*\?",
        r"\bi (?:don'?t|do not|dont) (?:quite |really )?(?:get|understand) the question\b",
        r"\bwhat (?:exactly )?(?:does|do|did|would) .{1,40} mean\b",
        r"\bwhat (?:is|'s) meant by\b",
        r"\bwhen you say\b",
        r"\bi(?:'m| am) not (?:sure|clear|certain) (?:what|what's|whether|if|how) (?:you(?:'re|"
        r" are) (?:asking|looking for|after)|you mean|is meant|the question|kind|sort|type)",
        r"\bi (?:don'?t|do not|didn'?t|did not) (?:quite |really |fully |totally )?(?:understand"
        r"|get|follow|understood) (?:the|your|what|that|this|it|which|how)\b",
        r"\bi (?:don'?t|do not) (?:quite |really )?(?:understand|get it|follow)\s*$",
        rf"\b{_MODAL} {_YOU} {_PLEASE}(?:rephrase|reword|clarify|explain|elaborate|be more"
        rf" specific|put it another way|put it differently|say it differently|word it"
        rf" differently)\b",
        rf"\b{_MODAL} {_YOU} {_PLEASE}(?:give|show) (?:me )?an example of what you (?:mean|want"
        rf"|are looking for)\b",
        r"\bin what (?:sense|way|context)\b",
        # The reply to the offer to rephrase: "Yes, please rephrase."
        r"^(?:yes|yeah|yep|ok|okay|sure)?,? ?(?:please )?(?:rephrase|reword)(?: it| that| the question)?(?:,?"
        r" please)?\s*[.!]*$",
        r"\b(?:are|were) you asking (?:about|whether|if|for|me)\b",
        r"\b(?:is|are|was) (?:it|this|that) (?:about|only|just|supposed|meant|related|limited"
        r"|referring|asking)\b.*\?",
        r"\bshould (?:it|i) (?:be|talk|focus|pick|choose|answer|describe|use|give|mention|include|explain"
        r"|say|start|keep)\b",
        r"\b(?:does|do|must|can) (?:it|that|the example) (?:have to|need to|has to) be\b",
        r"\b(?:can|could|may) (?:it|this|i|the example) (?:be|use|talk about|pick|choose) (?:from"
        r"|a|an|something|one|any|my|non|personal|outside)\b",
        r"\bwhat (?:kind|sort|type) of .{1,40}(?:are you|do you|would you|should i|did you)\b",
        r"\bwhat are you (?:looking for|after|asking)\b",
        r"\bwhat (?:do|would) you (?:want|like) (?:to know|me to (?:say|talk|focus|describe|cover))\b",
        r"\bhow (?:long|detailed|much detail|specific) (?:should|do you want|would you like)\b",
        r"\b(?:at|from) work or (?:in general|personal|outside|private|in life|at home|school|university)\b",
        r"\b(?:professional|work) or (?:personal|private|in general)\b",
        r"\bany (?:particular|specific) (?:kind|type|area|example|project|field)\b",
        r"\bwhich (?:kind|type|sort) of\b.*\?",
        r"\bwhat (?:do|does) .{1,30} (?:refer to|include|count as)\b",
        r"\b(?:does|would) .{1,40} count\b.*\?",
        r"^meaning\b.*\?",
        r"\b(?:i'm|i am) (?:a bit |a little |kind of )?confused\b",
        r"\bnot sure i (?:understand|follow|get)\b",
        r"\bwhat(?:'s| is) (?:a|an) [a-z-]+\?",
    ),
    "question_for_interviewer": (
        r"\b(?:can|could|may) i ask (?:you )?(?:a question|something|you something)\b",
        r"\bi (?:have|had|got) a question (?:for you|about (?:the|this) (?:role|job|position|team"
        r"|company|process))\b",
        r"\b(?:are|were) you (?:a|an) (?:bot|robot|ai|machine|computer|human|real person|person)\b",
        r"\b(?:am i|are we) (?:talking|speaking) (?:to|with) (?:a|an) (?:bot|robot|ai|machine|computer"
        r"|human|real"
        r" person|person)\b",
        r"\bis this (?:being )?(?:recorded|an ai|a bot|automated|live)\b",
        r"\bhow (?:many|much) (?:more )?(?:questions|time)\b",
        r"\bhow long (?:is|will|does) (?:this|the interview|it)\b",
        r"\b(?:what|how|when|who|where|is|are|do|does|will|would|can|could)\b.*\b(?:salary|pay"
        r"|compensation|benefits|remote|hybrid|office|next steps?|the process|hear back|start date"
        r"|relocation|visa|vacation|holidays|the team|your team|the role|the position|the company"
        r"|your company|the job|this job|this role|working hours|on-?call|tech stack|stack|the"
        r" manager|interview process)\b.*\?",
        r"\bwhat (?:does|do|will|would) (?:the|your|this) (?:team|company|role|job|position|day)\b",
        r"\b(?:tell me|can you tell me|could you tell me) (?:more )?about (?:the|your|this)"
        r" (?:team|company|role|job|position|process)\b",
        r"\bwhat(?:'s| is| are) the next steps?\b",
        r"\b(?:who|whom) (?:would|will|do|does) i (?:be )?(?:report|reporting|work|working) (?:to|with)\b",
        r"\b(?:i was wondering|i'd like to know|i would like to know|i'm curious|i am curious|i wanted to"
        r" ask|my question is)\b.*\b(?:salary|pay|compensation|benefits|remote|hybrid|office|next"
        r" steps?|process|team|role|position|company|job|start|hours|training|manager)\b",
        r"\bwhen (?:will|would|do|can) i (?:hear|know|get)\b",
    ),
    "needs_moment": (
        r"\b(?:give|let|allow) me (?:a|one|just a|a few|a couple of|some) ?(?:moment|second|sec"
        r"|minute|min|seconds|moments|time|bit)\b",
        rf"\b{_MODAL} i (?:please )?(?:have|take|get) (?:a|one|just a|a few|some|a couple of)"
        rf" ?(?:moment|second|sec|minute|min|seconds|moments|time to think)\b",
        r"^(?:just )?(?:one|a|just a|one more) (?:moment|second|sec|minute|min)(?: please)?\s*$",
        r"\bjust a (?:moment|second|sec|minute)\b",
        r"\b(?:think|pause)(?: about it| about this| on it)? for a (?:moment|second|sec|minute|bit)\b",
        r"\b(?:want|need|trying|try) to (?:pick|find|choose|think of) (?:the right|a good|a relevant|an"
        r"|the best|a better|one|a) ?(?:example|one|story|situation)\b",
        r"\blet me (?:think|see|consider|reflect|gather|collect|organi[sz]e|recall|remember|get my"
        r" thoughts|find)\b",
        r"\bi (?:need|want|have) (?:to think|a moment|a second|a minute|some time|a bit of time"
        r"|time to think|a sec)\b",
        r"\bi(?:'m| am) (?:just |still )?(?:thinking|trying to (?:think|remember|recall|come up))\b",
        r"\b(?:hold on|hang on|wait a (?:sec|second|moment|minute)|one sec|bear with me)\b",
        r"\b(?:that'?s|that is|what|it'?s|good|great|tough|hard|difficult|interesting) (?:a"
        r" )?(?:good|great|tough|hard|difficult|interesting|tricky|big)? ?(?:one|question)\b",
        r"\bwhere (?:do|should|to|can) i (?:start|begin)\b",
        r"\b(?:let me|i need to|i have to|i'll) (?:think|remember|recall|sort out my thoughts)\b",
        r"\bthinking about it\s*$",
        r"\bneed to think\b",
        r"\bsecond to think\b",
        r"\b(?:wait|hmm+),? (?:let me|i)\b",
    ),
    "non_answer": (
        r"\bi (?:really |honestly |just |genuinely |still |truly )?(?:don'?t|do not|dont|dunno|do no)"
        r" (?:really "
        r"|honestly |actually )?(?:know|have (?:an? )?(?:answer|example|idea|clue|story"
        r"|experience)|remember|recall)\b",
        r"\bdunno\b",
        r"\bno (?:idea|clue|answer|example|comment)\b",
        r"\bi (?:really |honestly |just |genuinely |still |truly )?(?:can'?t|cannot|can not|couldn'?t|could"
        r" not) (?:really )?(?:think of|remember"
        r"|recall|come up with|say|answer)\b",
        r"\bnothing (?:really )?(?:comes|came|springs|sprang) to mind\b",
        r"\bi(?:'ve| have)? (?:never|not ever|not really) (?:had|been|done|faced|experienced|made"
        r"|disagreed|worked|encountered|dealt)\b",
        r"\bi (?:haven'?t|have not|hadn'?t) (?:really |ever )?(?:had|been|done|faced|experienced"
        r"|made|encountered|dealt)\b",
        r"\b(?:i'm|i am) not (?:really )?sure\b",
        r"^not (?:really )?sure\b",
        r"\bi (?:really |honestly |just |genuinely |simply |still )?(?:have|got|'ve got) (?:nothing|no"
        r" (?:idea|answer|example|experience))\b",
        r"\bi (?:still )?(?:don'?t|do not) (?:really |actually |honestly )?have (?:one|any|anything|an"
        r" example|a good"
        r" example|experience|a story|much)\b",
        r"\b(?:i'm|i am|i'm just) (?:drawing|going) (?:a )?blank\b",
        r"\b(?:my )?mind (?:is|went|has gone) blank\b",
        r"\bblanking\b",
        r"\bnot (?:that )?i (?:can )?(?:think of|remember|recall)\b",
        r"^(?:still |really |honestly |sorry,? )?(?:nothing|none|no idea|pass)(?:,? (?:i think|really|sorry"
        r"|i'm sorry|i am sorry|honestly|at all|i guess|to be"
        r" honest))*\s*$",
        r"\bi(?:'m| am) not sure (?:how|what) to (?:answer|say)\b",
        r"\bi (?:wouldn'?t|would not) know\b",
        r"\bno experience (?:with|in|of)\b",
        r"\bnever happened to me\b",
        r"\bnothing (?:that )?i can (?:think of|remember|recall)\b",
        r"^never (?:had|been|done|happened|experienced|faced)\b",
        r"^(?:no|nope|nah|not really|never|none)(?:,? (?:not really|no|never|sorry|none|nothing))?\s*$",
        r"\bhard to say\s*$",
    ),
}


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Said around an answer, not part of it: fillers, politeness and check-ins.
_FILLER_WORDS = word_set(
    "um umm ummm uh uhh uhm erm er err hmm hmmm hm mm mmm ah ahh oh okay ok okey alright right so "
    "well like huh eh sorry yeah yep hm-hm uh-huh anyway anyways basically actually honestly thanks "
    "thank you please hi hello sure great cool oops"
)
# Words about answering rather than about the candidate's experience ("a minute to think of a good one").
_ABOUT_ANSWERING = word_set(
    "think thinking thought example examples answer answers moment moments second seconds minute minutes sec "
    "good right best now really time bit little one ones something anything nothing case situation story "
    "remember recall mind idea sure know need want give let say talk come up with off top head"
)
_CHECK_IN = re.compile(
    r"^(?:does (?:that|this) (?:answer (?:the|your) question|make sense|help|answer it|work|cover it)|"
    r"(?:is|was) (?:that|this) (?:ok|okay|alright|all right|enough|clear|fine|the kind of"
    r" (?:thing|answer|example)(?: you (?:wanted|were looking for|meant))?|what you (?:wanted"
    r"|were looking for|meant|asked))|"
    r"i hope (?:that|this) (?:answers|helps|makes sense|is (?:ok|okay|enough|clear))|"
    r"(?:that'?s|that is|this is) (?:it|all|about it|my answer|everything|pretty much it|all i"
    r" have|all i can say)(?: really| i think| for that)?|"
    r"(?:so )?yeah|you know|you know what i mean|if that makes sense|i guess that'?s it|i think that'?s it|"
    r"(?:anyway|so),? (?:that'?s|that is) (?:it|all)|thank you|thanks|no problem|sure|of course"
    r"|okay thank you|ok thanks|"
    r"that'?s (?:a )?good (?:point|one)|let'?s see|right|so)\s*$"
)
_SENTENCE = re.compile(r"[^.?!;\n]+[.?!;]*")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# A sentence turns at "but" and the like: "I don't know Kubernetes well, but I set up our cluster" holds
# a non-answer and an answer, read apart.
_CLAUSE_BREAK = re.compile(r"(?:,|:)?\s+(?:but|however|although|though|except that)\s+|\s*:\s+")
_QUESTION_START = re.compile(
    r"^(?:what|how|when|who|where|why|which|is|are|was|were|do|does|did|will|would|can|could|may"
    r"|might|should|shall|have|has)\b"
)
# Someone else's words reported in an answer: "he said", "I told him: can you repeat that?".
_REPORTED = re.compile(
    r"\b(?:said|says|told (?:me|us|him|her|them|the team)|asked (?:me|us|him|her|them)|suggested|"
    r"decided|agreed|replied|answered|shouted|wrote)\b"
)
# Questions a candidate asks themselves on the way to an answer: "What did I do? I ...".
_SELF_QUESTION = re.compile(
    r"^(?:(?:what|how|why|where|when|who) (?:did|do|was|were|have|had|would|should) (?:i|we)\b|"
    r"(?:did|was|have|had|do) (?:i|we) (?:ever|really)\b)"
)
# What a question to the interviewer is about (the interview itself, the role, the company).
_ABOUT_THE_INTERVIEW = re.compile(
    r"\b(?:are you|were you|is this|am i talking|bot|robot|ai|interview|interviewer|feedback|recorded"
    r"|recording|longer|how long|questions left|my answers|my results|who will see|who sees|rounds?|team"
    r"|company|role|position|job|salary|pay|office|remote|hybrid|onboarding|benefits|hours|manager"
    r"|next steps?|hear back|the process|start date|when would i start)\b"
)
_AFFIRMATIVE = re.compile(r"\b(?:yes|yeah|yep|yup|definitely|absolutely|of course|certainly)\b")
# A question put as a statement: "I was wondering what the salary range is."
_INDIRECT = re.compile(
    r"\b(?:i was wondering|i wonder|i'd like to know|i would like to know|i'm curious|i am curious|i wanted"
    r" to ask|my question is|i'd love to know|tell me (?:more )?about|could you tell me|can you tell me)\b"
)
_LEADING_POLITENESS = re.compile(
    r"^(?:(?:um+|uh+|uhm|erm|er|hmm+|hm|mm+|ah|oh|okay|ok|alright|right|so|well|sorry|i'?m sorry|excuse me|"
    r"pardon me|apologies|sorry about that|yeah|yes|hi|hello|actually|honestly|listen|look|hey|and|but|"
    r"thanks|thank you|great|sure|cool|wait)[\s,.!-]+)+"
)

# A phrase anchored at the end of the sentence also matches a question ("pardon?").
_COMPILED = {
    kind: tuple(re.compile(pattern.replace(r"\s*$", r"[\s?]*$")) for pattern in patterns)
    for kind, patterns in PHRASES.items()
}


@dataclass(frozen=True)
class SentenceReading:
    text: str
    kind: TurnKind | None  # a request kind or non_answer; None: filler or content
    filler: bool
    words: int
    # A question no phrase matched: the kind it would be (clarification, or a question for the
    # interviewer when it is about the interview or the role) if the turn holds nothing else.
    asked: TurnKind | None = None


def _content_words(text: str) -> list[str]:
    """The words that say something: not fillers, function words, or talk about the answer itself."""
    return [word for word in word_list(text) if word not in _FILLER_WORDS | _IGNORED | _ABOUT_ANSWERING]


def clean(text: str) -> str:
    """Lower case, plain apostrophes, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    text = re.sub(r"\.{2,}|…", ", ", text)
    return re.sub(r"\s+", " ", text).strip()


def word_list(text: str) -> list[str]:
    return _WORD.findall(text)


def _core(sentence: str) -> str:
    """The sentence without leading fillers and politeness, and without its end punctuation."""
    core = _LEADING_POLITENESS.sub("", sentence.strip()).strip(" ,.!?;:-")
    return core


def _matched(sentence: str) -> str:
    """What the phrases are matched against: the core, ending in "?" when the sentence is a question."""
    core = _core(sentence)
    return f"{core}?" if core and is_question(sentence) else core


def is_filler(sentence: str) -> bool:
    core = _core(sentence)
    if not core:
        return not is_affirmative(sentence)
    if _CHECK_IN.match(core):
        return True
    return all(word in _FILLER_WORDS for word in word_list(core)) and not is_affirmative(core)


def is_affirmative(sentence: str) -> bool:
    """A bare "yes" (an answer to a yes/no question, not a filler)."""
    return bool(_AFFIRMATIVE.search(sentence))


def is_question(sentence: str) -> bool:
    core = _core(sentence)
    return sentence.rstrip().endswith("?") or bool(_QUESTION_START.match(core) or _INDIRECT.search(core))


def request_kind(sentence: str, *, stage: str) -> TurnKind | None:
    """The kind of request (or non-answer) this sentence is, or None for content and fillers."""
    core = _matched(sentence)
    size = len(word_list(core))
    for kind in PRECEDENCE:
        limit = (
            MAX_CLARIFICATION_WORDS
            if kind in ("clarification", "question_for_interviewer")
            else MAX_REQUEST_WORDS
        )
        if size > limit:
            continue
        for pattern in _COMPILED[kind]:
            match = pattern.search(core)
            if match is None or _REPORTED.search(core[: match.start()]):
                continue  # "my manager said let's stop here" reports someone else's words
            if kind in WEAK_KINDS and len(
                _content_words(core[: match.start()] + " " + core[match.end() :])
            ) >= (LEFTOVER_CONTENT):
                continue
            return kind
    if stage == "closing" and is_question(sentence) and size >= 2:
        return "question_for_interviewer"
    return None


def read_sentences(utterance: str, *, stage: str) -> list[SentenceReading]:
    readings = []
    clauses = (
        clause
        for match in _SENTENCE.finditer(clean(utterance))
        for clause in _CLAUSE_BREAK.split(match.group(0))
    )
    for clause in clauses:
        text = clause.strip()
        if not word_list(text):
            continue
        kind = request_kind(text, stage=stage)
        filler = kind is None and is_filler(text)
        asked = question_kind(text) if kind is None and not filler else None
        size = len(word_list(_core(text))) or (1 if not filler and is_affirmative(text) else 0)
        readings.append(SentenceReading(text, kind, filler, size, asked))
    return readings


def question_kind(sentence: str) -> TurnKind | None:
    """A short question to the interviewer that no phrase matched: about the interview or the role, or
    else about the question. Questions the candidate puts to themselves ("what did I do?") are not."""
    core = _core(sentence)
    if (
        not is_question(sentence)
        or len(word_list(core)) > MAX_CLARIFICATION_WORDS
        or _SELF_QUESTION.match(core)
    ):
        return None
    return "question_for_interviewer" if _ABOUT_THE_INTERVIEW.search(core) else "clarification"


def classify(utterance: str, *, stage: str = "question") -> tuple[TurnKind, str]:
    """The kind of the turn and the rule that decided it (language aside)."""
    sentences = read_sentences(utterance, stage=stage)
    content = [s for s in sentences if s.kind is None and not s.filler]
    content_words = sum(s.words for s in content)
    kinds = {s.kind for s in sentences if s.kind is not None}
    requests = kinds - {"non_answer"}
    asked = {s.asked for s in content if s.asked is not None}
    if stage == "question" and not requests and asked and all(s.asked for s in content):
        asked_kind: TurnKind = (
            "question_for_interviewer" if "question_for_interviewer" in asked else "clarification"
        )
        return asked_kind, f"a question to the interviewer ({asked_kind.replace('_', ' ')}) and nothing else"
    if stage == "closing":
        for kind in ("wants_to_stop", "repeat_request", "question_for_interviewer"):
            if kind in kinds:
                return kind, f"closing: a {kind.replace('_', ' ')} sentence"
        return "answer", "closing: no question for the interviewer"
    strong = requests - WEAK_KINDS
    if strong and content_words < CONTENT_OVER_REQUEST:
        kind = next(kind for kind in PRECEDENCE if kind in strong)
        return kind, f"a {kind.replace('_', ' ')} phrase and {content_words} words of content"
    if content_words == 0 and not kinds:
        return "non_answer", "nothing of substance (fillers only)"
    if kinds & WEAK_KINDS and content_words < CONTENT_OVER_NON_ANSWER:
        kind = next(kind for kind in PRECEDENCE if kind in kinds)
        return kind, f"a {kind.replace('_', ' ')} phrase and {content_words} words of content"
    return "answer", f"{content_words} words of content"


def answers_so_far(exchanges: list[Exchange]) -> list[str]:
    """What the candidate said on this question that was read as an answer (older records: all)."""
    return [e.answer for e in exchanges if e.answer and e.reply_kind in (None, "answer")]


def read_turn(profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
    """The offline reading of one turn (the follow-up, for answers, is added by the caller)."""
    text = utterance.strip()
    if not re.search(r"[^\W_]", text):
        return TurnReading(kind="non_answer", reason="nothing was said")
    language = spoken_language(text, profile.language)
    if language is not None and language not in profile.allowed_languages:
        return TurnReading(
            kind="other_language", language=language, reason=f"spoken in {language}, not {profile.language}"
        )
    spoken = language or profile.language
    if spoken != "en" and (language is not None or spoken_language(text, "en") is not None):
        # Held in (or allowed in) another language: its request phrases, else an answer.
        foreign = foreign_request(text, spoken)
        kind, reason = (
            (foreign, f"a {spoken} request phrase") if foreign else ("answer", f"spoken in {spoken}")
        )
        if context.stage == "closing" and kind == "answer" and "?" in text:
            kind = "question_for_interviewer"
    else:
        kind, reason = classify(text, stage=context.stage)
    say: str | None = None
    if kind == "clarification":
        say = clarification_for(context.question)
    elif kind == "question_for_interviewer" and context.stage == "closing":
        say = answer_from_profile(profile, text)
        reason = f"{reason}; {'answered from the profile' if say else 'nothing in the profile answers it'}"
    return TurnReading(kind=kind, say=say, language=language, reason=reason[:300])


# -- clarification ------------------------------------------------------------------------------------

_QUESTION_OPENERS = (
    (
        re.compile(
            r"^(?:to start, |first, |next, |finally, |and )?(?:could|can|would) you (?:please"
            r" )?(?:walk me through|tell me about|describe|share|talk about|give me) ",
            re.I,
        ),
        "",
    ),
    (
        re.compile(
            r"^(?:to start, |first, |next, |finally, )?(?:tell me about|describe|talk me through"
            r"|walk me through|share) ",
            re.I,
        ),
        "",
    ),
    (re.compile(r"^(?:to start, |first, |next, |finally, )?how would you ", re.I), "how you would "),
    (re.compile(r"^(?:to start, |first, |next, |finally, )?how do you ", re.I), "how you "),
    (re.compile(r"^(?:to start, |first, |next, |finally, )?what would you ", re.I), "what you would "),
    (re.compile(r"^(?:to start, |first, |next, |finally, )?why do you ", re.I), "why you "),
)


def clarification_for(question: Question) -> str:
    """The question's own clarification, else a short neutral rewording made from the question."""
    if question.clarification:
        return question.clarification
    first = re.split(r"(?<=[.?!])\s+", question.text.strip())[0].rstrip(" ?.!")
    for pattern, replacement in _QUESTION_OPENERS:
        if pattern.match(first):
            topic = pattern.sub(replacement, first, count=1)
            return (
                f"Put simply, I'd like to hear about {topic}, in your own words. "
                "One real example is enough, and there is no single right answer."
            )
    return (
        f"Put simply: {question.text.strip()} Any real example from your own experience is fine, "
        "and there is no single right answer."
    )


# -- the candidate's questions at the close -------------------------------------------------------

_IGNORED = word_set(
    "a an the and or but of to in on at for with about is are was were be been do does did can could "
    "would will shall should may might i me my we our you your it its this that there what how when "
    "who where why which any some have has had just like know tell ask question questions also more "
    "much many so if then than please thanks thank one get role job position company"
)
_SYNONYMS = {
    "salary": "pay",
    "compensation": "pay",
    "paid": "pay",
    "wage": "pay",
    "money": "pay",
    "bonus": "pay",
    "remote": "remote",
    "remotely": "remote",
    "home": "remote",
    "hybrid": "remote",
    "office": "remote",
    "onsite": "remote",
    "wfh": "remote",
    "location": "remote",
    "located": "remote",
    "next": "steps",
    "step": "steps",
    "process": "steps",
    "hear": "steps",
    "back": "steps",
    "decision": "steps",
    "timeline": "steps",
    "after": "steps",
    "team": "team",
    "colleagues": "team",
    "teammates": "team",
    "people": "team",
    "start": "start",
    "starting": "start",
    "begin": "start",
    "date": "start",
    "vacation": "leave",
    "holidays": "leave",
    "holiday": "leave",
    "pto": "leave",
    "leave": "leave",
    "stack": "tech",
    "technology": "tech",
    "technologies": "tech",
    "tools": "tech",
    "language": "tech",
    "languages": "tech",
    "tech": "tech",
    "framework": "tech",
    "hours": "hours",
    "schedule": "hours",
    "flexible": "hours",
    "flexibility": "hours",
    "oncall": "hours",
    "call": "hours",
    "shifts": "hours",
    "benefits": "benefits",
    "insurance": "benefits",
    "health": "benefits",
    "pension": "benefits",
    "learning": "growth",
    "training": "growth",
    "career": "growth",
    "growth": "growth",
    "promotion": "growth",
    "develop": "growth",
    "development": "growth",
    "grow": "growth",
}


def content_terms(text: str) -> set[str]:
    terms = set()
    for word in word_list(clean(text)):
        if word in _IGNORED or len(word) < 3:
            continue
        for suffix in ("ing", "ies", "es", "s", "ed"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4 and word not in _SYNONYMS:
                word = word[: -len(suffix)]
                break
        terms.add(_SYNONYMS.get(word, word))
    return terms


def answer_from_profile(profile: JobProfile, question: str) -> str | None:
    """The profile's FAQ answer closest to `question`, else sentences of `about` that share its topic."""
    asked = content_terms(question)
    if not asked:
        return None
    best: tuple[float, str] | None = None
    for entry in profile.faq:
        shared = asked & content_terms(entry.question)
        if not shared:
            continue
        score = len(shared) / max(1, min(len(asked), len(content_terms(entry.question))))
        if (len(shared) >= 2 or score >= 0.5) and (best is None or score > best[0]):
            best = (score, entry.answer)
    if best is not None:
        return best[1]
    if profile.about:
        ranked = []
        for sentence in re.split(r"(?<=[.!?])\s+", profile.about.strip()):
            shared = asked & content_terms(sentence)
            if shared:
                ranked.append((len(shared), sentence))
        ranked.sort(key=lambda item: item[0], reverse=True)
        if ranked and (ranked[0][0] >= 2 or len(asked) <= 2):
            return " ".join(sentence for _, sentence in ranked[:2])
    return None
