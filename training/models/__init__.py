"""Courses, their modules, the published versions learners take, and learners' progress.

Authoring and taking are kept apart. Staff edit a `Course` and its `Module` rows as a draft;
`course_publish` copies them into a numbered `CourseVersion` with its `VersionModule` rows, and
that copy is what the portal shows. A learner's `Enrolment` names the version they started and
each `ModuleCompletion` the version's module they finished, so a later publication never
changes or erases them.

How a learner on version 1 continues when version 2 is published: they finish version 1 as
they started it (their enrolment keeps pointing at it; its modules and files stay served), and
a completed course stays completed. Only a learner who has not started yet gets the newest
version. Old versions are never deleted while an enrolment points at them (`PROTECT`).

Each sub-domain keeps its models in its own module here (courses, settings; quizzes, paths and
certifications, the content library); this package names them all.
"""

from .courses import (
    Course,
    CourseVersion,
    Enrolment,
    Module,
    ModuleCompletion,
    ModuleContent,
    ModuleKind,
    VersionModule,
    cover_path,
    module_file_path,
)
from .library import Asset, AssetEngagement, AssetType, TagKind, asset_file_path
from .paths import (
    Certification,
    CertificationAward,
    LearningPath,
    PathCourse,
    verification_code,
)
from .quizzes import (
    Attempt,
    Choice,
    Question,
    QuestionKind,
    QuizRules,
    VersionChoice,
    VersionQuestion,
)
from .settings import TrainingSettings

__all__ = [
    "Asset",
    "AssetEngagement",
    "AssetType",
    "Attempt",
    "Certification",
    "CertificationAward",
    "Choice",
    "Course",
    "CourseVersion",
    "Enrolment",
    "LearningPath",
    "Module",
    "ModuleCompletion",
    "ModuleContent",
    "ModuleKind",
    "PathCourse",
    "Question",
    "QuestionKind",
    "QuizRules",
    "TagKind",
    "TrainingSettings",
    "VersionChoice",
    "VersionModule",
    "VersionQuestion",
    "asset_file_path",
    "cover_path",
    "module_file_path",
    "verification_code",
]
