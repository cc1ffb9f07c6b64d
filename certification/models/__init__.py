from .applications import (
    Application,
    ApplicationEvent,
    CallingNumber,
    Declaration,
    EvidenceFile,
    SelfAssessmentAnswer,
)
from .audits import Audit, AuditScore, Decision, InformationRequest, Nonconformity
from .checklists import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from .geo import Provincia, Regione
from .organizations import (
    Invitation,
    JoinRequest,
    OperationalSite,
    Organization,
    RegistryEntry,
    RegistryGeneration,
    SearchWord,
    Sector,
)
from .reports import Report, ReportEvent
from .seals import CertificateBatch, CertificateFile, Seal, SealCounter, SealEvent, SealReminder
from .users import Association, User

__all__ = [
    "Application",
    "ApplicationEvent",
    "Association",
    "Audit",
    "CertificateBatch",
    "CertificateFile",
    "AuditScore",
    "CallingNumber",
    "ChecklistItem",
    "ChecklistSection",
    "ChecklistTemplate",
    "Decision",
    "Declaration",
    "EvidenceFile",
    "InformationRequest",
    "Invitation",
    "JoinRequest",
    "Nonconformity",
    "OperationalSite",
    "Organization",
    "Provincia",
    "Regione",
    "Report",
    "ReportEvent",
    "ScaleLevel",
    "Seal",
    "SealCounter",
    "SealEvent",
    "SealReminder",
    "RegistryEntry",
    "RegistryGeneration",
    "SearchWord",
    "Sector",
    "SelfAssessmentAnswer",
    "User",
]
