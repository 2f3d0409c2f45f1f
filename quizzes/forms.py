from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk_site.tickets.models import Subsystem
from quizzes.models import Kind
from quizzes.services import MAX_OPTIONS, true_false_options

STEM_MAX = 2000
EXPLANATION_MAX = 4000


def styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect):
            continue
        else:
            widget.attrs.setdefault(
                "class",
                "form-select" if isinstance(widget, forms.Select) else "form-control",
            )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Question type"), choices=Kind.choices)
    subsystem = forms.ModelChoiceField(
        label=_("Subsystem"),
        queryset=Subsystem.objects.all(),
        required=False,
        empty_label=_("General (all subsystems)"),
    )
    stem = forms.CharField(
        label=pgettext_lazy("quiz", "Question"),
        max_length=STEM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=EXPLANATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the right answer after the quiz."),
    )
    statement = forms.ChoiceField(
        label=_("The statement is"),
        choices=[("", "—"), ("true", _("True (正确)")), ("false", _("False (错误)"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_OPTIONS + 1):
            self.fields[f"option_{i}"] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": chr(64 + i)},
                max_length=500,
                required=False,
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("Right answer"), required=False
            )
        styled(self)

    def option_rows(self):
        return [
            (chr(64 + i), self[f"option_{i}"], self[f"correct_{i}"])
            for i in range(1, MAX_OPTIONS + 1)
        ]

    def options(self) -> list[tuple[str, bool]]:
        """The options as written: true/false from the statement field, the
        others from the rows with a text."""
        data = self.cleaned_data
        if data["kind"] == Kind.TRUE_FALSE:
            statement = {"true": True, "false": False}.get(data["statement"])
            return true_false_options(statement)
        return [
            (data[f"option_{i}"].strip(), data[f"correct_{i}"])
            for i in range(1, MAX_OPTIONS + 1)
            if data[f"option_{i}"].strip()
        ]

    @staticmethod
    def initial_for(question) -> dict:
        initial = {
            "kind": question.kind,
            "subsystem": question.subsystem_id,
            "stem": question.stem,
            "explanation": question.explanation,
        }
        options = list(question.options.all())
        if question.kind == Kind.TRUE_FALSE and options:
            right = next((o for o in options if o.is_correct), None)
            initial["statement"] = (
                "" if right is None else ("true" if right.position == 1 else "false")
            )
        else:
            for i, option in enumerate(options, 1):
                initial[f"option_{i}"] = option.text
                initial[f"correct_{i}"] = option.is_correct
        return initial


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Text"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class QuizForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=60)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=600, initial=30
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=10, initial=2
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = questions
        styled(self)
