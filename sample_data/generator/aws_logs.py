"""AWS API snapshots: CloudWatch Logs. DescribeLogGroups with the retention settings of every group (P-RET-30,
P-RET-NEVER and the clean counterparts), and FilterLogEvents of an endpoint's container log and the MLflow tracking
server's access log."""

from __future__ import annotations

from datetime import timedelta

from .formats import T, ms
from .ids import kms_key_arn, rand_hex
from .org import DEV, EU, PROD, US


class LogsSnapshot:
    """Mixin of ``AwsSnapshot``: the CloudWatch Logs responses."""

    LOG_GROUPS = {
        (PROD, EU): [
            ("/aws/sagemaker/Endpoints/churn-prod", 365, "2025-11-20T12:04:10"),
            ("/aws/sagemaker/Endpoints/fraud-scoring-prod", 400, "2026-03-02T10:19:40"),
            ("/aws/sagemaker/Endpoints/demand-forecast-prod", 3653, "2025-06-15T07:49:31"),
            ("/aws/sagemaker/Endpoints/recsys-ranker-prod", 365, "2026-10-04T08:10:02"),
            ("/aws/sagemaker/Endpoints/legacy-recs", 30, "2025-03-11T10:47:55"),
            ("/aws/sagemaker/TrainingJobs", 365, "2024-03-01T13:11:09"),
            ("/aws/sagemaker/ProcessingJobs", 400, "2024-05-14T09:02:44"),
            ("/ml/mlflow-server", 3653, "2024-02-20T15:30:00"),
            ("/ml/feature-pipeline", None, "2026-08-28T11:40:12"),
            ("/aws/cloudtrail/northwind-audit-trail", 90, "2024-02-12T09:29:50"),
            ("/aws/codebuild/ml-deploy-pipeline", 30, "2024-04-02T08:00:13"),
            ("/aws/lambda/nightly-export", 7, "2025-01-09T16:22:31"),
            ("/ecs/northwind-api", 14, "2024-06-01T10:00:00"),
        ],
        (PROD, US): [
            ("/aws/lambda/cost-report", 7, "2025-02-03T08:15:00"),
            ("RDSOSMetrics", 30, "2024-02-21T10:02:19"),
        ],
        (DEV, EU): [
            ("/aws/sagemaker/TrainingJobs", 365, "2024-03-05T10:44:01"),
            ("/aws/sagemaker/NotebookInstances", 400, "2024-03-05T10:51:12"),
            ("/aws/sagemaker/studio", 3653, "2024-03-06T09:00:27"),
            ("/ml/experiments", 365, "2025-04-22T14:12:09"),
            ("/aws/codebuild/ml-deploy-pipeline", 14, "2024-04-02T08:03:40"),
            ("/aws/lambda/dev-cleanup", None, "2025-07-30T12:00:05"),
        ],
        (DEV, US): [
            ("/aws/lambda/nightly-export", 7, "2025-01-10T09:12:44"),
        ],
    }

    def logs(self):
        rng = self.rng("logs")
        for (account, region), groups in self.LOG_GROUPS.items():
            out = []
            for name, retention, created in sorted(groups):
                arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
                g = {"logGroupName": name, "creationTime": ms(T(created))}
                if retention is not None:
                    g["retentionInDays"] = retention
                g.update({"metricFilterCount": 1 if "cloudtrail" in name else 0, "arn": arn + ":*",
                          "storedBytes": rng.randint(10_000, 40_000_000_000), "logGroupClass": "STANDARD",
                          "logGroupArn": arn})
                if name.startswith("/ml/") or "cloudtrail" in name:
                    g["kmsKeyId"] = kms_key_arn(account)
                out.append(g)
            self.put(account, region, "logs", "DescribeLogGroups", {"logGroups": out})
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.endpoint_log(rng)},
                 "/aws/sagemaker/Endpoints/churn-prod")
        self.put(PROD, EU, "logs", "FilterLogEvents", {"events": self.mlflow_log(rng)}, "/ml/mlflow-server")

    @staticmethod
    def log_event(rng, stream, when, message):
        return {"logStreamName": stream, "timestamp": ms(when), "message": message,
                "ingestionTime": ms(when) + rng.randint(200, 4000),
                "eventId": str(rng.randint(10 ** 55, 10 ** 56 - 1))}

    def endpoint_log(self, rng):
        events = []
        old = [f"AllTraffic/i-0{rand_hex(rng, 16)}" for _ in range(2)]
        new = [f"AllTraffic/i-0{rand_hex(rng, 16)}" for _ in range(2)]
        t = T("2026-10-01T00:07:00")
        deploy = T("2026-10-06T10:16:30")
        while t < T("2026-11-01T00:00:00"):
            streams = old if t < deploy else new
            r = rng.random()
            if r < 0.75:
                msg = (f"INFO:churn_inference:scored batch rows={rng.randint(1, 256)} "
                       f"latency_ms={rng.uniform(4, 40):.1f} model_version={'2' if t < deploy else '3'}")
            elif r < 0.93:
                msg = (f"10.20.{rng.randint(1, 3)}.{rng.randint(2, 250)} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "
                       f"\"POST /invocations HTTP/1.1\" 200 {rng.randint(80, 4000)} \"-\" \"AHC/2.0\"")
            else:
                msg = ("WARNING:churn_inference:feature 'tenure_months' missing for "
                       f"{rng.randint(1, 9)} rows, imputed with median")
            events.append(self.log_event(rng, rng.choice(streams), t, msg))
            t += timedelta(seconds=rng.randint(3600, 10800))
        boot = deploy
        for s in new:
            for msg in ["Starting gunicorn 22.0.0", "Listening at: unix:/tmp/gunicorn.sock (19)",
                        "Using worker: sync", "Booting worker with pid: 23", "Booting worker with pid: 24",
                        "INFO:churn_inference:loaded model churn-classifier v3 from /opt/ml/model"]:
                boot += timedelta(seconds=rng.randint(1, 4))
                prefix = "" if msg.startswith("INFO") else f"[{boot:%Y-%m-%d %H:%M:%S} +0000] [19] [INFO] "
                events.append(self.log_event(rng, s, boot, prefix + msg))
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events

    def mlflow_log(self, rng):
        """gunicorn access log of the tracking server; the registry writes of the month appear at their times."""
        writes = [
            (T("2026-10-05T09:55:12"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-06T15:00:41"), "POST", "/api/2.0/mlflow/model-versions/transition-stage"),
            (T("2026-10-08T09:30:02"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-13T13:50:12"), "POST", "/api/2.0/mlflow/model-versions/set-tag"),
            (T("2026-10-13T14:05:40"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-19T10:22:03"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-20T16:22:09"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-20T16:22:30"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-27T09:12:40"), "POST", "/api/2.0/mlflow/model-versions/set-tag"),
            (T("2026-10-27T11:00:18"), "POST", "/api/2.0/mlflow/model-versions/create"),
            (T("2026-10-27T11:05:02"), "POST", "/api/2.0/mlflow/registered-models/alias"),
            (T("2026-10-28T10:30:55"), "POST", "/api/2.0/mlflow/model-versions/transition-stage"),
        ]
        stream = "mlflow/mlflow-server/" + rand_hex(rng, 32)
        events = []
        t = T("2026-10-01T00:03:00")
        reads = ["/api/2.0/mlflow/registered-models/search", "/api/2.0/mlflow/model-versions/search",
                 "/api/2.0/mlflow/runs/get", "/api/2.0/mlflow/registered-models/alias", "/api/2.0/mlflow/runs/search",
                 "/api/2.0/mlflow/experiments/get-by-name", "/health"]
        while t < T("2026-11-01T00:00:00"):
            path = rng.choice(reads)
            ua = "mlflow-python-client/2.17.2" if path != "/health" else "ELB-HealthChecker/2.0"
            ip = f"10.20.{rng.randint(1, 11)}.{rng.randint(2, 250)}"
            events.append(self.log_event(rng, stream, t, f"{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] \"GET {path} "
                                                          f"HTTP/1.1\" 200 {rng.randint(2, 9000)} \"-\" \"{ua}\""))
            t += timedelta(seconds=rng.randint(7200, 21600))
        for when, verb, path in writes:
            ip = f"10.20.{rng.randint(1, 3)}.{rng.randint(2, 250)}"
            events.append(self.log_event(rng, stream, when, f"{ip} - - [{when:%d/%b/%Y:%H:%M:%S} +0000] \"{verb} {path} "
                                                            f"HTTP/1.1\" 200 2 \"-\" \"mlflow-python-client/2.17.2\""))
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        return events
