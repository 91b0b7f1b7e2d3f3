from django.urls import path

from .views import agreement, company, plans, program, rules

app_name = "partners"

urlpatterns = [
    path("", program.program, name="program"),
    path("agreement/", agreement.agreement, name="agreement"),
    path("company/", company.company, name="company"),
    path("company/edit/", company.company_edit, name="company_edit"),
    path("company/logo.png", company.company_logo, name="company_logo"),
    path("rules-of-engagement/", rules.rules, name="rules"),
    path("plan/<int:year>/", plans.plan, name="plan"),
    path("plan/<int:year>/create/", plans.plan_create, name="plan_create"),
    path("plan/<int:year>/strategy/", plans.plan_edit, name="plan_edit"),
    path("plan/<int:year>/goals/add/", plans.goal_add, name="plan_goal_add"),
    path("plan/goals/<int:pk>/", plans.goal_edit, name="plan_goal_edit"),
    path("plan/goals/<int:pk>/delete/", plans.goal_delete, name="plan_goal_delete"),
    path("plan/<int:year>/milestones/add/", plans.milestone_add, name="plan_milestone_add"),
    path("plan/milestones/<int:pk>/", plans.milestone_edit, name="plan_milestone_edit"),
    path("plan/milestones/<int:pk>/delete/", plans.milestone_delete, name="plan_milestone_delete"),
    path("plan/milestones/<int:pk>/done/", plans.milestone_done, name="plan_milestone_done"),
    path("plan/milestones/<int:pk>/reopen/", plans.milestone_reopen, name="plan_milestone_reopen"),
]
