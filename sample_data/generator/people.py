"""CloudTrail activity: people at work.

Each person of ``org.HUMANS`` opens SAML-federated role sessions on working days (rarely at weekends) and makes the
calls of their role: ML engineers read the registry, logs, metrics and datasets and train in dev; the approver reviews
packages; the admin administers; read-only data scientists read datasets and the registry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .activity import Session, cli_cmd
from .formats import days, is_weekday, ms
from .ids import b32id, rand_hex, role_arn, vpce_id
from .noise import Noise
from .org import DATASETS_BUCKET, DEV, EU, HUMANS, OFFICE_IPS, PROD, UA, US, VPN_IPS, WINDOW_END, WINDOW_START
from .sagemaker_estate import (CONFIGS, DATASETS, ENDPOINTS, IMAGES, LOG_GROUPS_ML_ENDPOINTS, MODELS, PACKAGES,
                               SM_REGION, dataset_key)


class People(Noise):
    """What people do in their SAML-federated role sessions, by role."""

    SM_PROD_READS = ["ListModelPackages", "DescribeModelPackage", "ListEndpoints", "DescribeEndpoint",
                     "DescribeEndpointConfig", "DescribeModel", "ListTrainingJobs", "DescribeTrainingJob",
                     "ListModelPackageGroups"]
    SM_DEV_READS = ["ListTrainingJobs", "DescribeTrainingJob", "ListModelPackageGroups", "ListEndpoints",
                    "DescribeDomain", "ListApps", "ListExperiments"]

    def sm_read_params(self, rng, account, name, person):
        grp = rng.choice(sorted(DATASETS))
        if name == "ListModelPackages":
            return {"modelPackageGroupName": grp, "sortBy": "CreationTime", "sortOrder": "Descending",
                    "maxResults": 50}
        if name == "DescribeModelPackage":
            p = rng.choice([p for p in PACKAGES if p["created"] < self._now])
            return {"modelPackageName": p["arn"]}
        if name in ("ListEndpoints", "ListTrainingJobs", "ListExperiments"):
            return {"sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": rng.choice([10, 20, 50])}
        if name == "DescribeEndpoint":
            return {"endpointName": rng.choice(sorted(ENDPOINTS))}
        if name == "DescribeEndpointConfig":
            return {"endpointConfigName": rng.choice(sorted(c for c, v in CONFIGS.items() if v["created"] < self._now))}
        if name == "DescribeModel":
            return {"modelName": rng.choice(sorted(m for m, v in MODELS.items() if v["created"] < self._now))}
        if name == "DescribeTrainingJob":
            return {"trainingJobName": f"{grp}-{'nightly' if account == PROD else person}-"
                                       f"{self._now - timedelta(days=rng.randint(0, 6)):%Y%m%d}-0100"}
        if name == "ListModelPackageGroups":
            return {"sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": 100}
        if name == "DescribeDomain":
            return {"domainId": "d-" + b32id(account, "domain", n=12).lower()}
        if name == "ListApps":
            return {"domainIdEquals": "d-" + b32id(account, "domain", n=12).lower(), "userProfileNameEquals": person}
        return {}

    def human_op(self, rng, sess: Session, when: datetime):
        role, account, person = sess.role, sess.account, sess.person
        self._now = when
        r = rng.random()
        if role == "data-platform-admin":
            if r < 0.3:
                k = rng.choice([k for k in self.tpl if k[0] == "ec2.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.55:
                k = rng.choice([k for k in self.tpl if k[0] == "iam.amazonaws.com"])
                self.real(rng, k, account=account, region=US, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)), role=rng.choice(["ml-engineer", "ml-deploy-pipeline",
                                                                      "data-scientist-readonly"]))
            elif r < 0.72:
                k = rng.choice([k for k in self.tpl if k[0] == "s3.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.8:
                k = rng.choice([k for k in self.tpl if k[0] == "cloudtrail.amazonaws.com"])
                self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua(cli_cmd(*k)))
            elif r < 0.9:
                self.logs_call(rng, sess, when, "DescribeLogGroups", {"limit": 50})
            else:
                k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("rds.amazonaws.com", "DescribeDBInstances"),
                                ("sts.amazonaws.com", "GetCallerIdentity"), ("health.amazonaws.com",
                                                                              "DescribeEventAggregates")])
                self.real(rng, k, account=account, region=US if k[0] == "health.amazonaws.com" else EU, when=when,
                          identity=sess.identity, ip=sess.ip, ua=sess.ua(cli_cmd(*k)))
            return
        if role == "data-scientist-readonly":
            if r < 0.45 and account == PROD:
                grp = rng.choice(sorted(DATASETS))
                self.s3_object(rng, account=account, region=EU, when=when, identity=sess.identity, op="GetObject",
                               bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, when), ip=sess.ip, ua=UA["studio"],
                               vpce=vpce_id(account, EU, "s3"))
                return
            r = rng.random() * 0.8 + 0.2
        if role == "ml-approver":
            if r < 0.65:
                name = rng.choice(["ListModelPackages", "DescribeModelPackage", "DescribeModelPackage",
                                   "ListModelPackageGroups", "DescribeEndpoint"])
                self.sm(rng, sess, when, name, self.sm_read_params(rng, account, name, person))
            elif r < 0.85:
                self.metric_call(rng, sess, when, rng.choice(sorted(ENDPOINTS)))
            else:
                self.logs_call(rng, sess, when, "FilterLogEvents", self.filter_params(rng, when))
            return
        # ml-engineer, and the rest of data-scientist-readonly
        reads = self.SM_PROD_READS if account == PROD else self.SM_DEV_READS
        if r < 0.45:
            name = rng.choice(reads)
            region = US if rng.random() < 0.04 else SM_REGION  # someone's default region is us-east-1
            self.sm(rng, sess, when, name, self.sm_read_params(rng, account, name, person), region=region)
        elif r < 0.6:
            name = rng.choice(["FilterLogEvents", "GetLogEvents", "DescribeLogStreams", "DescribeLogGroups"])
            params = self.filter_params(rng, when)
            if name == "GetLogEvents":
                params = {"logGroupName": params["logGroupName"], "logStreamName": "AllTraffic/i-0" + rand_hex(rng, 16),
                          "startFromHead": False}
            elif name == "DescribeLogStreams":
                params = {"logGroupName": params["logGroupName"], "orderBy": "LastEventTime", "descending": True}
            elif name == "DescribeLogGroups":
                params = {"logGroupNamePrefix": rng.choice(["/aws/sagemaker/", "/ml/"])}
            self.logs_call(rng, sess, when, name, params)
        elif r < 0.68 and account == PROD:
            self.metric_call(rng, sess, when, rng.choice(sorted(ENDPOINTS)))
        elif r < 0.8 and account == PROD:
            grp = rng.choice(sorted(DATASETS))
            self.s3_object(rng, account=account, region=EU, when=when, identity=sess.identity, op="GetObject",
                           bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, when), ip=sess.ip, ua=UA["studio"],
                           vpce=vpce_id(account, EU, "s3"))
        elif 0.6 <= r < 0.625 and account == DEV and role == "ml-engineer":
            self.dev_training(rng, sess, when)
        else:
            k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("secretsmanager.amazonaws.com", "GetSecretValue"),
                            ("ssm.amazonaws.com", "GetParameter"), ("sts.amazonaws.com", "GetCallerIdentity"),
                            ("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeSubnets"),
                            ("ssm.amazonaws.com", "DescribeParameters")])
            self.real(rng, k, account=account, region=EU, when=when, identity=sess.identity, ip=sess.ip,
                      ua=sess.ua(cli_cmd(*k)))

    def filter_params(self, rng, when):
        group = rng.choice(LOG_GROUPS_ML_ENDPOINTS + ["/aws/sagemaker/TrainingJobs", "/ml/mlflow-server"])
        return {"logGroupName": group, "startTime": ms(when - timedelta(hours=rng.choice([1, 3, 24]))),
                "endTime": ms(when), "filterPattern": rng.choice(["ERROR", "?ERROR ?WARN", "latency", ""]),
                "interleaved": True}

    def dev_training(self, rng, sess: Session, when):
        grp = rng.choice(sorted(DATASETS))
        name = f"{grp}-{sess.person}-{when:%Y%m%d-%H%M}"
        arn = f"arn:aws:sagemaker:{EU}:{sess.account}:training-job/{name}"
        params = {"trainingJobName": name,
                  "algorithmSpecification": {"trainingImage": IMAGES["xgboost"], "trainingInputMode": "File",
                                             "enableSageMakerMetricsTimeSeries": True},
                  "roleArn": role_arn(sess.account, "sagemaker-execution-role"),
                  "inputDataConfig": [{"channelName": "train", "dataSource": {"s3DataSource": {
                      "s3DataType": "S3Prefix", "s3Uri": f"s3://northwind-dev-sandbox/{sess.person}/{grp}/train/",
                      "s3DataDistributionType": "FullyReplicated"}}, "contentType": "text/csv"}],
                  "outputDataConfig": {"s3OutputPath": f"s3://northwind-dev-sandbox/{sess.person}/{grp}/output/"},
                  "resourceConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeSizeInGB": 30},
                  "stoppingCondition": {"maxRuntimeInSeconds": 14400},
                  "hyperParameters": {"max_depth": str(rng.choice([4, 6, 8])), "eta": "0.2", "num_round": "200"}}
        self.sm(rng, sess, when, "CreateTrainingJob", params, response={"trainingJobArn": arn}, read_only=False)
        t = when
        for _ in range(rng.randint(2, 5)):
            t += timedelta(seconds=rng.randint(20, 90))
            self.sm(rng, sess, t, "DescribeTrainingJob", {"trainingJobName": name})

    def humans(self):
        for person, spec in HUMANS.items():
            rng = self.rng(f"human:{person}")
            for day in days(WINDOW_START, WINDOW_END):
                for account, p in spec["accounts"].items():
                    if not is_weekday(day):
                        p = p * (0.15 if person == "eve" else 0.05)
                    n_sessions = (rng.random() < p) + (rng.random() < p * 0.25)
                    for _ in range(n_sessions):
                        start = day + timedelta(hours=7, minutes=30) + timedelta(seconds=rng.randint(0, 9 * 3600))
                        self.human_session(rng, person, spec["role"], account, start, rng.randint(12, 40),
                                           tool=rng.choice(spec["tools"]))

    def human_session(self, rng, person, role, account, start, n_ops, *, tool, login=True) -> Session:
        ip = rng.choice(VPN_IPS if rng.random() < 0.4 else OFFICE_IPS)
        if tool == "studio":
            ip = f"10.20.{rng.randint(1, 3)}.{rng.randint(10, 250)}"
        sess = Session(self, rng, account, role, person, start, tool, ip, person=person)
        if login:
            self.saml_login(rng, sess, start)
        t = start + timedelta(seconds=rng.randint(5, 40))
        for _ in range(n_ops):
            self.human_op(rng, sess, t)
            t += timedelta(seconds=int(rng.expovariate(1 / 150)) + 2)
        return sess
