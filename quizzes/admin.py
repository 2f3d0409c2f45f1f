"""The question bank, the quizzes and the attempts in the admin, read-only:
questions are published on the bank's pages by a second reviewer, quizzes are
set and opened on their session's page, and attempts are the takers' own."""

from django.contrib import admin

from quizzes.models import Attempt, Option, Question, Quiz, QuizQuestion
from sla.admin import ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "subsystem", "state", "author", "reviewed_by"]
    list_filter = ["state", "kind", "subsystem"]
    list_select_related = ["subsystem", "author", "reviewed_by"]
    search_fields = ["stem", "explanation"]
    inlines = [OptionInline]


class QuizQuestionInline(ReadOnlyInline):
    model = QuizQuestion
    fields = ["question"]


@admin.register(Quiz)
class QuizAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "pass_mark", "time_limit_minutes", "max_attempts", "opened_at"]
    list_select_related = ["session"]
    search_fields = ["session__title"]
    inlines = [QuizQuestionInline]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["quiz", "user", "department", "number", "submitted_at", "percent", "passed"]
    list_filter = ["passed", "timed_out"]
    list_select_related = ["quiz__session", "user", "department"]
    search_fields = ["user__username", "user__last_name", "quiz__session__title"]
    fields = [
        "quiz",
        "user",
        "department",
        "number",
        "started_at",
        "deadline",
        "submitted_at",
        "timed_out",
        "earned",
        "percent",
        "passed",
    ]
