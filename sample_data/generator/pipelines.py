"""CloudTrail activity: the pipelines. CI builds of the ml-deploy-pipeline CodeBuild project, and the nightly
retraining in prod, where the SageMaker execution role reads the datasets bucket (S3 data events).

``ci_builds`` numbers all builds in time order, routine ones and those of the registry and deployment stories
(``sagemaker_history``), which write their own events later under the numbers given here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .activity import Session
from .formats import days, is_weekday
from .ids import rand_key, rand_uuid, role_arn, role_id, vpce_id
from .org import CI_IPS, DATASETS_BUCKET, DEV, EU, PROD, UA, WINDOW_END, WINDOW_START
from .people import People
from .sagemaker_estate import DEPLOYMENTS, EXEC_ROLE, MODELS, PACKAGES, dataset_key


class Pipelines(People):
    """CodeBuild sessions and builds, nightly training jobs."""

    # --- CI: the ml-deploy-pipeline CodeBuild project ---------------------------------------------------------------

    def ci_session(self, rng, account, build: int, start: datetime) -> Session:
        name = f"codebuild-{build}"
        tpl = rng.choice(self.tpl_service_assume)
        rec = self.derive(rng, tpl, account=account, region=EU, when=start,
                          identity=self.aws_service("codebuild.amazonaws.com"))
        rec["sourceIPAddress"] = rec["userAgent"] = "codebuild.amazonaws.com"
        rarn = role_arn(account, "ml-deploy-pipeline")
        rec["requestParameters"] = {"roleArn": rarn, "roleSessionName": name, "durationSeconds": 3600}
        rec["responseElements"]["assumedRoleUser"] = {
            "assumedRoleId": f"{role_id(account, 'ml-deploy-pipeline')}:{name}",
            "arn": f"arn:aws:sts::{account}:assumed-role/ml-deploy-pipeline/{name}"}
        rec["resources"] = [{"accountId": account, "type": "AWS::IAM::Role", "ARN": rarn}]
        sess = Session(self, rng, account, "ml-deploy-pipeline", name, start, "codebuild", rng.choice(CI_IPS))
        rec["responseElements"]["credentials"]["accessKeyId"] = sess.key
        return sess

    def ci_prelude(self, rng, sess: Session, t: datetime) -> datetime:
        acct = sess.account
        t += timedelta(seconds=rng.randint(20, 60))
        self.synthetic(rng, account=acct, region=EU, when=t, identity=sess.identity, source="logs.amazonaws.com",
                       name="CreateLogStream", params={"logGroupName": "/aws/codebuild/ml-deploy-pipeline",
                                                       "logStreamName": rand_uuid(rng)},
                       read_only=False, ip=sess.ip, ua="codebuild.amazonaws.com")
        t += timedelta(seconds=rng.randint(5, 30))
        self.synthetic(rng, account=acct, region=EU, when=t, identity=sess.identity, source="ecr.amazonaws.com",
                       name="GetAuthorizationToken", params={"registryIds": [acct]}, read_only=True, ip=sess.ip,
                       ua=UA["codebuild"], host=f"api.ecr.{EU}.amazonaws.com")
        for k in [("sts.amazonaws.com", "GetCallerIdentity"), ("secretsmanager.amazonaws.com", "GetSecretValue"),
                  ("kms.amazonaws.com", "Decrypt")]:
            t += timedelta(seconds=rng.randint(2, 20))
            self.real(rng, k, account=acct, region=EU, when=t, identity=sess.identity, ip=sess.ip, ua=UA["codebuild"],
                      keep_error=False)
        return t

    def ci_builds(self):
        """Routine builds, numbered in time order together with the builds of the registry and deployment stories."""
        rng = self.rng("ci")
        starts = []
        for day in days(WINDOW_START, WINDOW_END):
            starts.append(day + timedelta(hours=1, minutes=30, seconds=rng.randint(0, 600)))  # nightly validation
            if is_weekday(day):
                starts += [day + timedelta(seconds=rng.randint(8 * 3600, 18 * 3600)) for _ in range(rng.randint(1, 3))]
        stories = [(p["created"] - timedelta(minutes=3), p) for p in PACKAGES
                   if p["creator"] and p["creator"][0] == "ml-deploy-pipeline"]
        stories += [(MODELS[d["model"]]["created"] - timedelta(minutes=4), d) for d in DEPLOYMENTS]
        timeline = sorted([(t, None) for t in starts] + stories, key=lambda x: x[0])
        for build, (start, story) in enumerate(timeline, start=4791):
            if story is not None:  # the story itself writes its events later
                if "build" in story:
                    story["build"] = f"codebuild-{build}"
                else:
                    story["creator"] = ("ml-deploy-pipeline", f"codebuild-{build}")
                continue
            account = PROD if rng.random() < 0.7 else DEV
            sess = self.ci_session(rng, account, build, start)
            t = self.ci_prelude(rng, sess, start)
            if account == PROD:
                self._now = t
                for _ in range(rng.randint(2, 6)):
                    t += timedelta(seconds=rng.randint(1, 15))
                    name = rng.choice(["ListModelPackages", "DescribeModelPackage", "DescribeEndpoint"])
                    self.sm(rng, sess, t, name, self.sm_read_params(rng, account, name, "ci"))
            else:
                for _ in range(rng.randint(1, 3)):
                    t += timedelta(seconds=rng.randint(1, 15))
                    self.sm(rng, sess, t, "ListTrainingJobs", {"sortBy": "CreationTime", "sortOrder": "Descending",
                                                               "maxResults": 10})

    # --- nightly retraining in prod: the execution role reads the datasets --------------------------------------

    def training(self):
        rng = self.rng("training")
        for day in days(WINDOW_START, WINDOW_END):
            for i, grp in enumerate(["churn-classifier", "demand-forecast"] +
                                    (["fraud-scoring"] if day.weekday() == 6 else [])):
                start = day + timedelta(hours=1, minutes=2 + 20 * i, seconds=rng.randint(0, 300))
                self.training_job(rng, grp, start, rng.randint(18, 48))

    def training_job(self, rng, grp, start, shards):
        acct = PROD
        rec = self.service_assume(rng, acct, EU, start)
        rec["sourceIPAddress"] = rec["userAgent"] = "sagemaker.amazonaws.com"
        rec["userIdentity"] = self.aws_service("sagemaker.amazonaws.com")
        rarn = EXEC_ROLE
        rec["requestParameters"] = {"roleArn": rarn, "roleSessionName": "SageMaker", "durationSeconds": 3600}
        key = rand_key(rng)
        rec["responseElements"]["assumedRoleUser"] = {"assumedRoleId": f"{role_id(acct, 'sagemaker-execution-role')}:SageMaker",
                                                      "arn": f"arn:aws:sts::{acct}:assumed-role/sagemaker-execution-role/SageMaker"}
        rec["responseElements"]["credentials"]["accessKeyId"] = key
        rec["resources"] = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": rarn}]
        ident = self.assumed_role(acct, "sagemaker-execution-role", "SageMaker", start, key)
        ip = f"10.20.{rng.randint(8, 11)}.{rng.randint(10, 250)}"
        t = start + timedelta(seconds=rng.randint(60, 180))
        job = f"{grp}-nightly-{start:%Y%m%d}-0100"
        self.synthetic(rng, account=acct, region=EU, when=t, identity=ident, source="logs.amazonaws.com",
                       name="CreateLogStream", params={"logGroupName": "/aws/sagemaker/TrainingJobs",
                                                       "logStreamName": f"{job}/algo-1-{int(t.timestamp())}"},
                       read_only=False, ip=ip, ua=UA["training"], vpce=vpce_id(acct, EU, "logs"))
        for _ in range(shards):
            t += timedelta(milliseconds=rng.randint(200, 9000))
            self.s3_object(rng, account=acct, region=EU, when=t, identity=ident, op="GetObject",
                           bucket=DATASETS_BUCKET, key=dataset_key(rng, grp, start), ip=ip, ua=UA["training"],
                           vpce=vpce_id(acct, EU, "s3"))
