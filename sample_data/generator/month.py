"""The month of CloudTrail activity: every layer, run in the order that fixes the sample's random draws."""

from __future__ import annotations

from . import planted_access
from .planted import Planted
from .planted_approvals import ApprovalStories
from .planted_log_access import LogAccess


class Month(Planted, ApprovalStories, LogAccess):
    """All of October's CloudTrail records (and a day either side), collected in ``events``."""

    def build(self) -> Month:
        """Write every layer's events. The order matters: ``ci_builds`` numbers the builds the stories use."""
        self.background()
        self.terraform()
        self.humans()
        self.ci_builds()
        self.training()
        self.registry()
        self.deployments()
        self.denied_burst()
        self.near_misses()
        self.scattered_denials()
        self.root_activity()
        self.tampering()
        self.odd_records()
        self.approval_stories()
        planted_access.build(self)
        self.log_access()
        return self
