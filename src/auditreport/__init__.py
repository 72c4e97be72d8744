"""auditreport: monthly compliance reports for ML platforms on AWS and MLflow."""

__version__ = "0.1.0"
