"""The texts of a question of the fill-in (``question_html``), translated once per language.

The msgids are those the question's template had, so the catalogues already hold them.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext


class QuestionTexts:
    """The texts of a question in the active language (translated once per language)."""

    def __init__(self) -> None:
        _ = gettext
        self.kinds = {
            "perception": '<span class="tag tag-perception">' + _("Perception") + "</span>",
            "status": '<span class="tag tag-status">' + _("Status") + "</span>",
            "context": '<span class="tag">' + _("Background condition") + "</span>",
        }
        self.unit = _("Unit:")
        self.not_asked = _(
            "Not asked: this question depends on an earlier answer that makes it not relevant. "
            "Any answer stored earlier is kept but not used."
        )
        self.not_saved = _("Not saved")
        self.someone_changed = _("Someone else changed this answer")
        self.their_answer = _("Their answer")
        self.their_comment = _("Their comment")
        self.saved_by = _("Saved by")
        self.someone = _("someone")
        self.still_in_form = _(
            "Your answer is still in the form below. Save it to replace theirs, or keep theirs."
        )
        self.keep_theirs = _("Keep their answer")
        self.saved_at = _("Saved at %(time)s.")
        self.newer_data = _("Newer open data are available")
        self.suggestion = _("Suggestion from open data")
        self.source = _("Source")
        self.year = _("Year")
        self.geography = _("Geography")
        self.wider_region = _("not your authority's own area: a wider region")
        self.flags = _("Flags")
        self.retrieved = _("Retrieved")
        self.use_value = _("Use this value")
        self.for_ = _("for")
        self.reject = _("Reject")
        self.the_suggestion_for = _("the suggestion for")
        self.own_value = _(
            "To use your own value instead, answer below and add its source as evidence."
        )
        self.your_own = _(
            "Your own answer: the lead sees everyone's answers and sets the agreed one."
        )
        self.have_answer = _("Do you have an answer?")
        self.statuses = {
            "answered": _("Yes, answer below"),
            "dont_know": _("Don't know"),
            "not_applicable": _("Not applicable"),
            "not_collected": _("Data not collected"),
        }
        self.answer = _("Answer")
        self.choose_all = _("choose all that apply")
        self.a_year = _("A year, for example 2024.")
        self.number_from = _("A number from %(min)s to %(max)s.")
        self.percentage = _("A number from 0 to 100.")
        self.a_number = _("A number; use a comma or a point for decimals.")
        self.comment = _("Comment")
        self.add_comment = _("Add a comment")
        self.to = _("to")
        self.optional = _("optional")
        self.save = _("Save")
        self.saved_as_you_go = _("Answers are also saved as you go.")
        self.agreed = _("Agreed answer:")
        self.not_set = _("not set yet")
        self.person = _("Person")
        self.nobody_alone = _("Nobody has answered alone yet.")
        self.last_changed = _("Last changed by %(who)s, %(when)s (version %(v)s).")
        self.from_open_data = _("from open data")
        self.of = _("of")
        self.code_in_files = _("Code in answer files:")
        self.evidence = _("Evidence")
        self.none_attached = _("none attached")
        self.link = _("link")
        self.remove = _("Remove")
        self.add_evidence = _("Add evidence")
        self.link_field = _("Link")
        self.file = _("File")
        self.file_kinds = _("PDF, image, spreadsheet, document or text file.")
        self.give_feedback = _("Give feedback on this question")
        self.what_problem = _("What is the problem?")
        self.unclear = _("The question is unclear")
        self.not_fitting = _("The question does not fit our authority")
        self.note = _("Note")
        self.send_feedback = _("Send feedback")


_TEXTS: dict[str, QuestionTexts] = {}


def question_texts() -> QuestionTexts:
    """The texts in the active language (worked out on first use in each language)."""
    language = get_language() or ""
    texts = _TEXTS.get(language)
    if texts is None:
        texts = _TEXTS[language] = QuestionTexts()
    return texts
