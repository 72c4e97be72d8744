"""AWS API snapshots: EKS, its Kubernetes audit log, and the structured logs of the model gateway.

Prod ``eu-west-1`` runs two clusters: ``ml-serving`` (KServe serves ``churn-classifier`` in namespace ``models``;
api and audit logs on, audit log group kept 400 days) and ``analytics-batch`` (only the api log type on: P-EKS-NOAUDIT).
The audit log of ``ml-serving`` (``/aws/eks/ml-serving/cluster``, stream ``kube-apiserver-audit-*``) holds the
pipeline's clean changes, eve's hand patch of the InferenceService (P-EKS-ISVC-PATCH) and her exec into the serving pod
(P-EKS-EXEC), bob's refused exec, eve's exec into a monitoring pod, and the system's background reads.

``/ml/inference-gateway`` logs one JSON object per scored request; a canary build on 10-09/10 leaves out
``model_version`` (P-LOG-FIELDS) and five events carry personal data (P-PII-*). ``/ml/inference-batch`` is clean.
Their log groups are added to the prod ``eu-west-1`` DescribeLogGroups that ``aws_logs`` wrote, with a random stream of
their own, so the groups and events written before them stay byte-identical.
"""

from __future__ import annotations

import json
from datetime import timedelta

from .formats import T, iso_api, ms
from .ids import kms_key_arn, rand_hex, role_arn
from .org import CI_IPS, EU, OFFICE_IPS, PROD, VPN_IPS

CLUSTERS = {
    "ml-serving": dict(version="1.30", platform="eks.14", created="2025-09-02T09:14:51", enabled=["api", "audit"],
                       disabled=["authenticator", "controllerManager", "scheduler"], public=False),
    "analytics-batch": dict(version="1.29", platform="eks.18", created="2025-04-11T13:40:07", enabled=["api"],
                            disabled=["audit", "authenticator", "controllerManager", "scheduler"], public=True),
}
LOG_GROUPS = [  # (name, retention days, created)
    ("/aws/eks/ml-serving/cluster", 400, "2025-09-02T09:20:13"),
    ("/aws/eks/analytics-batch/cluster", 90, "2025-04-11T13:46:52"),
    ("/ml/inference-gateway", 400, "2026-06-18T10:31:07"),
    ("/ml/inference-batch", 400, "2026-02-03T08:12:40"),
]
NS = "models"
KSERVE = "system:serviceaccount:kserve:kserve-controller-manager"
POD = "churn-classifier-predictor-7c9d8f6b5-x2k4q"


def _session(role: str, name: str) -> str:
    return f"arn:aws:sts::{PROD}:assumed-role/{role}/{name}"


class EksSnapshot:
    """Mixin of ``AwsSnapshot``: DescribeCluster per cluster, and FilterLogEvents of the audit and gateway logs."""

    def eks(self):
        """Runs after ``logs()``: adds the EKS and gateway log groups to its prod eu-west-1 DescribeLogGroups."""
        rng = self.rng("eks")
        self.add_log_groups(self.rng("eks-log-groups"))
        for name, c in CLUSTERS.items():
            self.put(PROD, EU, "eks", "DescribeCluster", {"cluster": {
                "name": name, "arn": f"arn:aws:eks:{EU}:{PROD}:cluster/{name}",
                "createdAt": iso_api(T(c["created"])), "version": c["version"],
                "endpoint": f"https://{rand_hex(rng, 32).upper()}.gr7.{EU}.eks.amazonaws.com",
                "roleArn": role_arn(PROD, "eks-cluster"), "status": "ACTIVE", "platformVersion": c["platform"],
                "resourcesVpcConfig": {"subnetIds": [f"subnet-0{rand_hex(rng, 16)}" for _ in range(3)],
                                       "securityGroupIds": [], "clusterSecurityGroupId": f"sg-0{rand_hex(rng, 16)}",
                                       "vpcId": f"vpc-0{rand_hex(rng, 16)}", "endpointPublicAccess": c["public"],
                                       "endpointPrivateAccess": True,
                                       "publicAccessCidrs": ["0.0.0.0/0"] if c["public"] else []},
                "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"},
                "logging": {"clusterLogging": [{"types": c["enabled"], "enabled": True},
                                               {"types": c["disabled"], "enabled": False}]},
                "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}, "tags": {"team": "ml-platform"}}},
                name)
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.eks_audit_log(rng)},
                 "/aws/eks/ml-serving/cluster")
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.gateway_log(self.rng("gateway"))},
                 "/ml/inference-gateway")
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.batch_log(self.rng("batch"))},
                 "/ml/inference-batch")

    def add_log_groups(self, rng):
        path = self.out / PROD / EU / "logs" / "DescribeLogGroups.json"
        groups = json.loads(path.read_text())["logGroups"]
        for name, retention, created in LOG_GROUPS:
            arn = f"arn:aws:logs:{EU}:{PROD}:log-group:{name}"
            groups.append({"logGroupName": name, "creationTime": ms(T(created)), "retentionInDays": retention,
                           "metricFilterCount": 0, "arn": arn + ":*", "storedBytes": rng.randint(10_000, 4_000_000_000),
                           "logGroupClass": "STANDARD", "logGroupArn": arn,
                           **({"kmsKeyId": kms_key_arn(PROD)} if name.startswith("/ml/") else {})})
        self.put(PROD, EU, "logs", "DescribeLogGroups",
                 {"logGroups": sorted(groups, key=lambda g: g["logGroupName"])})

    # --- the Kubernetes audit log ------------------------------------------------------------------------------------

    def eks_audit_log(self, rng):
        stream = "kube-apiserver-audit-" + rand_hex(rng, 32)
        events = []

        def request(when, verb, resource, name, user, *, group="", sub=None, ns=NS, code=200, ua="kubectl/v1.30.4",
                    ips=None, stages=("ResponseComplete",), extra_query=""):
            audit_id = f"{rand_hex(rng, 8)}-{rand_hex(rng, 4)}-{rand_hex(rng, 4)}-{rand_hex(rng, 4)}-{rand_hex(rng, 12)}"
            version = {"serving.kserve.io": "v1beta1", "apps": "v1", "": "v1",
                       "coordination.k8s.io": "v1"}.get(group, "v1")
            base = f"/apis/{group}/{version}" if group else "/api/v1"
            uri = f"{base}/namespaces/{ns}/{resource}" + (f"/{name}" if name else "") + (f"/{sub}" if sub else "")
            ref = {"resource": resource, "namespace": ns, "apiVersion": version}
            if name:
                ref["name"] = name
            if group:
                ref["apiGroup"] = group
            if sub:
                ref["subresource"] = sub
            u = {"username": user, "groups": ["system:authenticated"]}
            if user.startswith("arn:aws:sts::"):
                session = user.rsplit("/", 1)[1]
                u["extra"] = {"arn": [user], "canonicalArn": [role_arn(PROD, user.split("/")[1])],
                              "sessionName": [session], "accessKeyId": ["ASIA" + rand_hex(rng, 16).upper()]}
            elif user.startswith("system:serviceaccount:"):
                u["groups"] = ["system:serviceaccounts", f"system:serviceaccounts:{user.split(':')[2]}",
                               "system:authenticated"]
            t = when
            for stage in stages:
                ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": audit_id,
                      "stage": stage, "requestURI": uri + extra_query, "verb": verb, "user": u,
                      "sourceIPs": ips or [f"10.42.{rng.randint(1, 3)}.{rng.randint(2, 250)}"], "userAgent": ua,
                      "objectRef": ref, "requestReceivedTimestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                      "stageTimestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
                if stage != "RequestReceived":
                    ev["responseStatus"] = {"metadata": {}, "code": code}
                    ev["annotations"] = {"authorization.k8s.io/decision": "allow" if code < 400 else "forbid",
                                         "authorization.k8s.io/reason": "EKS Access Policy"}
                events.append(self.log_event(rng, stream, t + timedelta(milliseconds=rng.randint(300, 900)),
                                             json.dumps(ev, separators=(",", ":"))))
                t += timedelta(milliseconds=rng.randint(20, 400))

        pipeline = _session("ml-deploy-pipeline", "codebuild-4822")
        eve = _session("data-platform-admin", "eve")
        isvc = dict(group="serving.kserve.io")

        def rollout(when, verb, isvc_name, user, **kw):
            """An InferenceService change and what the KServe controller does about it."""
            request(when, verb, "inferenceservices", isvc_name, user, code=201 if verb == "create" else 200, **isvc,
                    **kw)
            later = when + timedelta(seconds=rng.randint(2, 5))
            dverb = "create" if verb == "create" else "update"
            request(later, dverb, "deployments", f"{isvc_name}-predictor", KSERVE, group="apps",
                    code=201 if dverb == "create" else 200, ua="manager/v0.13.1")
            request(later + timedelta(seconds=1), dverb, "services", f"{isvc_name}-predictor", KSERVE,
                    code=201 if dverb == "create" else 200, ua="manager/v0.13.1")

        # the deploy pipeline's changes: clean
        rollout(T("2026-10-06T10:18:40"), "patch", "churn-classifier", pipeline, ua="kubectl/v1.30.4 (codebuild)",
                ips=[CI_IPS[0]])
        rollout(T("2026-10-19T09:05:12"), "create", "fraud-scoring-shadow", pipeline, ua="kubectl/v1.30.4 (codebuild)",
                ips=[CI_IPS[1]])
        # P-EKS-ISVC-PATCH: eve patches the InferenceService by hand (logged at two stages: one request)
        rollout(T("2026-10-14T22:41:07"), "patch", "churn-classifier", eve, ips=[VPN_IPS[1]],
                stages=("RequestReceived", "ResponseComplete"))
        # P-EKS-EXEC: eve opens a shell in the serving pod (an exec stream: started, then complete)
        request(T("2026-10-14T22:55:31"), "create", "pods", POD, eve, sub="exec", code=101, ips=[VPN_IPS[1]],
                stages=("ResponseStarted", "ResponseComplete"), extra_query="?command=sh&stdin=true&stdout=true&tty=true")
        # clean: bob's exec into the serving pod is refused; eve's exec into a monitoring pod is outside models;
        # a dry run and reads change nothing
        request(T("2026-10-21T16:02:18"), "create", "pods", POD, _session("ml-engineer", "bob"), sub="exec", code=403,
                ips=[OFFICE_IPS[0]], extra_query="?command=bash&stdin=true&stdout=true&tty=true")
        request(T("2026-10-09T11:30:02"), "create", "pods", "prometheus-0", eve, sub="exec", code=101, ns="monitoring",
                ips=[OFFICE_IPS[2]], stages=("ResponseStarted", "ResponseComplete"), extra_query="?command=sh")
        request(T("2026-10-27T15:12:44"), "patch", "inferenceservices", "churn-classifier",
                _session("ml-engineer", "carol"), extra_query="?dryRun=All", ips=[OFFICE_IPS[1]], **isvc)
        # background: the API server's steady traffic
        t = T("2026-10-01T00:04:00")
        while t < T("2026-11-01T00:00:00"):
            r = rng.random()
            if r < 0.4:
                request(t, "update", "leases", "kube-controller-manager", "system:kube-controller-manager",
                        group="coordination.k8s.io", ns="kube-system", ua="kube-controller-manager/v1.30.4-eks")
            elif r < 0.7:
                request(t, "list", "pods", None, "system:node:ip-10-42-1-17.eu-west-1.compute.internal",
                        ua="kubelet/v1.30.4-eks")
            elif r < 0.9:
                request(t, "get", "inferenceservices", "churn-classifier", KSERVE, ua="manager/v0.13.1", **isvc)
            else:
                request(t, "list", "inferenceservices", None, _session("data-scientist-readonly", "frank"),
                        ips=[OFFICE_IPS[0]], **isvc)
            t += timedelta(seconds=rng.randint(5400, 14400))
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events

    # --- the model gateway's structured log --------------------------------------------------------------------------

    PII_EVENTS = [  # P-PII-*: (time, what the gateway logged besides the usual fields)
        ("2026-10-08T11:42:10", {"msg": "score request rejected: unknown customer",
                                 "customer_email": "jonas.weber@example.org"}),
        ("2026-10-12T14:03:55", {"msg": "payment feature lookup failed", "payment_ref": "4539 1488 0343 6467"}),
        ("2026-10-17T09:21:40", {"msg": "payout features missing", "payout_account": "GB33BUKB20201555555555"}),
        ("2026-10-23T18:07:02", {"msg": "callback contact attached", "contact": "+44 20 7946 0321"}),
        ("2026-10-29T10:15:45", {"msg": "debug: features loaded for NW-CUST-00412877"}),
    ]
    CLEAN_LOOKALIKES = [  # must not be found: masked upstream, fail Luhn or mod-97, not an international number
        ("2026-10-08T15:10:00", {"msg": "score request rejected: unknown customer", "customer_email": "j***@example.org"}),
        ("2026-10-12T16:30:12", {"msg": "trace", "trace_id": "4539148803436468"}),
        ("2026-10-17T10:00:31", {"msg": "payout features missing", "payout_account": "GB33BUKB20201555555556"}),
        ("2026-10-23T19:45:00", {"msg": "batch", "rows": 4412055512, "customer_ref": "NW-CUST-4412"}),
    ]

    def gateway_log(self, rng):
        streams = [f"gateway/{rand_hex(rng, 32)}" for _ in range(2)]
        canary = f"gateway-canary/{rand_hex(rng, 32)}"
        events = []

        def line(when, stream, version="3", **extra):
            doc = {"timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z", "level": "INFO",
                   "request_id": f"req-{rand_hex(rng, 20)}", "model": "churn-classifier", "route": "/v1/churn/score",
                   "status": 200, "latency_ms": round(rng.uniform(6, 60), 1)}
            if version is not None:
                doc["model_version"] = version
            doc.update(extra)
            events.append(self.log_event(rng, stream, when, json.dumps(doc)))

        t = T("2026-10-01T00:11:00")
        while t < T("2026-11-01T00:00:00"):
            line(t, rng.choice(streams), "2" if t < T("2026-10-06T10:18:40") else "3")
            t += timedelta(seconds=rng.randint(3600, 9000))
        # P-LOG-FIELDS: the canary build of 10-09/10 logs without model_version; it starts with a plain-text banner
        events.append(self.log_event(rng, canary, T("2026-10-09T08:00:02"), "gateway 1.9.0-rc1 starting on :8080"))
        t = T("2026-10-09T08:03:00")
        while t < T("2026-10-10T12:00:00"):
            line(t, canary, None)
            t += timedelta(seconds=rng.randint(3600, 7200))
        for when, extra in self.PII_EVENTS + self.CLEAN_LOOKALIKES:
            line(T(when), streams[0], status=422 if "rejected" in extra["msg"] else 200, **extra)
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events

    def batch_log(self, rng):
        stream = f"batch-scoring/{rand_hex(rng, 32)}"
        events = []
        for day in range(1, 32):
            when = T(f"2026-10-{day:02d}T02:30:00") + timedelta(seconds=rng.randint(0, 600))
            doc = {"timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "request_id": f"batch-{rand_hex(rng, 12)}",
                   "model_version": "12", "model": "demand-forecast", "rows_scored": rng.randint(40_000, 90_000)}
            events.append(self.log_event(rng, stream, when, json.dumps(doc)))
        return events
