"""CloudTrail activity: the planted violations and their clean counterparts (sample_data/README.md, keep in step).

P-ACCESS-BURST and P-TAMPER-DENIED (mallory), the near misses under the burst threshold, single denials spread over
the month, P-ROOT-LOGIN and P-ROOT-IAM, P-TAMPER-STOP with the P-GAP windows, and the odd-but-loadable records.
"""

from __future__ import annotations

from datetime import timedelta

from .activity import Session
from .corpus import insert_after
from .formats import T, iso_z, is_weekday
from .ids import b32id, kms_key_arn, rand_key, vpce_id
from .org import (DATASETS_BUCKET, DEV, EU, HOME_REGION, HUMANS, OFFICE_IPS, PROD, START_LOGGING_AT,
                  STOP_LOGGING_AT, TRAIL, UA, US, WINDOW_START)
from .sagemaker_estate import EXEC_ROLE, IMAGES, PKG, SM_ARN
from .sagemaker_history import SageMakerHistory


def denied_message(principal_arn: str, action: str, resource: str) -> str:
    return (f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action")


class Planted(SageMakerHistory):
    """The planted stories and their clean counterparts, each with its own seeded ``rng``."""

    # --- planted: access-denied burst, tampering, root, odd records -----------------------------------------------

    def denied_burst(self):
        """P-ACCESS-BURST: 14 denied SageMaker calls by data-scientist-readonly/mallory in 6 minutes."""
        rng = self.rng("mallory")
        start = T("2026-10-23T14:01:40")
        sess = self.story_session(rng, "mallory", "data-scientist-readonly", PROD, start - timedelta(minutes=3),
                                  tool="cli", ip="203.0.113.58")
        calls = [
            ("DeleteEndpoint", {"endpointName": "churn-prod"}, "endpoint/churn-prod"),
            ("UpdateEndpoint", {"endpointName": "churn-prod", "endpointConfigName": "churn-prod-config-20260902"},
             "endpoint/churn-prod"),
            ("CreateModel", {"modelName": "churn-shadow", "primaryContainer": {"image": IMAGES["xgboost"]},
                             "executionRoleArn": EXEC_ROLE}, "model/churn-shadow"),
            ("CreateTrainingJob", {"trainingJobName": "mallory-test-1"}, "training-job/mallory-test-1"),
            ("DeleteModelPackage", {"modelPackageName": PKG[("fraud-scoring", 2)]["arn"]}, "model-package/fraud-scoring/2"),
            ("CreatePresignedDomainUrl", {"domainId": "d-" + b32id(PROD, "domain", n=12).lower(),
                                          "userProfileName": "eve"}, "user-profile/eve"),
            ("UpdateEndpointWeightsAndCapacities", {"endpointName": "fraud-scoring-prod",
                                                    "desiredWeightsAndCapacities": [{"variantName": "AllTraffic",
                                                                                     "desiredInstanceCount": 0}]},
             "endpoint/fraud-scoring-prod"),
            ("DeleteEndpoint", {"endpointName": "fraud-scoring-prod"}, "endpoint/fraud-scoring-prod"),
            ("StopTrainingJob", {"trainingJobName": "churn-classifier-nightly-20261023-0100"},
             "training-job/churn-classifier-nightly-20261023-0100"),
            ("CreateTrainingJob", {"trainingJobName": "mallory-test-2"}, "training-job/mallory-test-2"),
            ("DeleteModel", {"modelName": "churn-classifier-v3-20261006"}, "model/churn-classifier-v3-20261006"),
            ("DeleteEndpointConfig", {"endpointConfigName": "churn-prod-config-20261006"},
             "endpoint-config/churn-prod-config-20261006"),
            ("DeleteEndpoint", {"endpointName": "demand-forecast-prod"}, "endpoint/demand-forecast-prod"),
            ("DeleteModelPackageGroup", {"modelPackageGroupName": "churn-classifier"},
             "model-package-group/churn-classifier"),
        ]
        t = start
        for name, params, res in calls:
            msg = denied_message(sess.identity["arn"], f"sagemaker:{name}", f"{SM_ARN}:{res}")
            self.sm(rng, sess, t, name, params, read_only=False, error=("AccessDenied", msg), protect=True)
            t += timedelta(seconds=rng.randint(18, 30))
        assert t - start < timedelta(minutes=7)
        # P-TAMPER-DENIED: then she tries to delete the prod trail
        t = T("2026-10-23T14:09:31")
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "DeleteTrail"))
        rec = self.derive(rng, tpl, account=PROD, region=HOME_REGION, when=t, identity=sess.identity, ip=sess.ip,
                          ua=sess.ua("cloudtrail.delete-trail"), protect=True)
        trail_arn = f"arn:aws:cloudtrail:{HOME_REGION}:{PROD}:trail/{TRAIL[PROD]['name']}"
        rec["requestParameters"] = {"name": trail_arn}
        rec = insert_after(rec, "userAgent", "errorCode", "AccessDenied")
        rec = insert_after(rec, "errorCode", "errorMessage",
                           denied_message(sess.identity["arn"], "cloudtrail:DeleteTrail", trail_arn))
        self._replace_last(rec)

    def _line(self, fname, event_name) -> int:
        for i, rec in enumerate(self.corpus.records[fname], start=1):
            if rec.get("eventName") == event_name:
                return i
        raise KeyError(event_name)

    def _replace_last(self, rec):
        a, r, w, old = self.events[-1]
        self.events[-1] = (a, r, w, rec)
        if id(old) in self.protected:
            self.protected.add(id(rec))

    def near_misses(self):
        """Clean counterparts of the burst: 9 denied SageMaker calls (under the threshold of 10) and 12 denied S3 reads."""
        rng = self.rng("near-miss")
        sess = self.story_session(rng, "bob", "ml-engineer", PROD, T("2026-10-09T15:10:02"), tool="cli")
        t = T("2026-10-09T15:12:15")
        for i in range(9):
            name = ["DeleteModelPackage", "UpdateEndpoint", "DeleteEndpointConfig"][i % 3]
            params = {"DeleteModelPackage": {"modelPackageName": PKG[("demand-forecast", 4)]["arn"]},
                      "UpdateEndpoint": {"endpointName": "demand-forecast-prod",
                                         "endpointConfigName": "demand-forecast-prod-config-20260812"},
                      "DeleteEndpointConfig": {"endpointConfigName": "demand-forecast-prod-config-20260812"}}[name]
            res = {"DeleteModelPackage": "model-package/demand-forecast/4", "UpdateEndpoint": "endpoint/demand-forecast-prod",
                   "DeleteEndpointConfig": "endpoint-config/demand-forecast-prod-config-20260812"}[name]
            self.sm(rng, sess, t, name, params, read_only=False, protect=True,
                    error=("AccessDenied", denied_message(sess.identity["arn"], f"sagemaker:{name}", f"{SM_ARN}:{res}")))
            t += timedelta(seconds=rng.randint(50, 80))
        sess = self.story_session(rng, "frank", "data-scientist-readonly", PROD, T("2026-10-21T10:02:11"),
                                  tool="studio", ip="10.20.1.77")
        t = T("2026-10-21T10:04:00")
        for _ in range(12):
            self.s3_object(rng, account=PROD, region=EU, when=t, identity=sess.identity, op="GetObject",
                           bucket=DATASETS_BUCKET, key=f"restricted/pii/customers/part-{rng.randint(0, 9):05d}.parquet",
                           ip=sess.ip, ua=UA["studio"], vpce=vpce_id(PROD, EU, "s3"),
                           error=("AccessDenied", "Access Denied"))
            t += timedelta(seconds=rng.randint(10, 25))

    def scattered_denials(self):
        """Single denied calls spread over the month (no actor reaches 10 in 15 minutes)."""
        rng = self.rng("scattered")
        kinds = ["sagemaker"] * 16 + ["s3"] * 8 + ["kms"] * 6 + ["logs"] * 5 + ["ec2"] * 6
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            day = WINDOW_START + timedelta(days=1 + (i * 31) // len(kinds))
            while not is_weekday(day):
                day += timedelta(days=1)
            when = day + timedelta(seconds=rng.randint(8 * 3600, 17 * 3600))
            person = rng.choice(["alice", "bob", "carol", "frank", "mallory", "dave"])
            spec = HUMANS[person]
            sess = Session(self, rng, PROD, spec["role"], person, when - timedelta(minutes=20), rng.choice(spec["tools"]),
                           rng.choice(OFFICE_IPS), person=person)
            arn = sess.identity["arn"]
            if kind == "sagemaker":
                name, res = rng.choice([("CreateEndpoint", "endpoint/test-endpoint"),
                                        ("DeleteModelPackage", "model-package/churn-classifier/1"),
                                        ("StopTrainingJob", "training-job/demand-forecast-nightly"),
                                        ("CreateModelPackageGroup", "model-package-group/scratch")])
                if person == "dave":
                    name, res = "CreateEndpoint", "endpoint/test-endpoint"
                params = {"CreateEndpoint": {"endpointName": "test-endpoint", "endpointConfigName": "scratch-config"},
                          "DeleteModelPackage": {"modelPackageName": PKG[("churn-classifier", 1)]["arn"]},
                          "StopTrainingJob": {"trainingJobName": f"demand-forecast-nightly-{when:%Y%m%d}-0100"},
                          "CreateModelPackageGroup": {"modelPackageGroupName": "scratch"}}[name]
                self.sm(rng, sess, when, name, params, read_only=False, protect=True,
                        error=("AccessDenied", denied_message(arn, f"sagemaker:{name}", f"{SM_ARN}:{res}")))
            elif kind == "s3":
                self.s3_object(rng, account=PROD, region=EU, when=when, identity=sess.identity, op="GetObject",
                               bucket=DATASETS_BUCKET, key="restricted/pii/customers/part-00000.parquet", ip=sess.ip,
                               ua=UA["studio"], error=("AccessDenied", "Access Denied"))
            elif kind == "kms":
                rec = self.real(rng, ("kms.amazonaws.com", "Decrypt"), account=PROD, region=EU, when=when,
                                identity=sess.identity, ip=sess.ip, ua=sess.ua("kms.decrypt"))
                rec = insert_after(rec, "userAgent", "errorCode", "AccessDeniedException")
                rec = insert_after(rec, "errorCode", "errorMessage",
                                   denied_message(arn, "kms:Decrypt", kms_key_arn(PROD)).replace(
                                       "no identity-based policy", "no resource-based policy"))
                self._replace_last(rec)
            elif kind == "logs":
                rec = self.logs_call(rng, sess, when, "GetLogEvents",
                                     {"logGroupName": "/aws/cloudtrail/northwind-audit-trail",
                                      "logStreamName": f"{PROD}_CloudTrail_{EU}", "startFromHead": False})
                grp_arn = f"arn:aws:logs:{EU}:{PROD}:log-group:/aws/cloudtrail/northwind-audit-trail:log-stream:"
                rec = insert_after(rec, "userAgent", "errorCode", "AccessDeniedException")
                rec = insert_after(rec, "errorCode", "errorMessage", denied_message(arn, "logs:GetLogEvents", grp_arn))
                self._replace_last(rec)
            else:
                rec = self.real(rng, ("ec2.amazonaws.com", "DescribeInstances"), account=PROD, region=EU, when=when,
                                identity=sess.identity, ip=sess.ip, ua=sess.ua("ec2.describe-instances"))
                rec = insert_after(rec, "userAgent", "errorCode", "Client.UnauthorizedOperation")
                rec = insert_after(rec, "errorCode", "errorMessage",
                                   "You are not authorized to perform this operation. User: " + arn +
                                   " is not authorized to perform: ec2:DescribeInstances because no identity-based "
                                   "policy allows the ec2:DescribeInstances action")
                self._replace_last(rec)

    def root_activity(self):
        """P-ROOT: the dev account's root user signs in to the console and changes the password policy."""
        rng = self.rng("root")
        t = T("2026-10-17T09:12:44")
        ident = {"type": "Root", "principalId": DEV, "arn": f"arn:aws:iam::{DEV}:root", "accountId": DEV,
                 "accessKeyId": ""}
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "ConsoleLogin"))
        rec = self.derive(rng, tpl, account=DEV, region=US, when=t, identity=ident, ip="198.51.100.201",
                          ua=UA["console"], protect=True)
        rec["additionalEventData"].update({"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs"
                                                      "%23&isauthcode=true", "MFAUsed": "Yes", "MobileVersion": "No"})
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": "signin.aws.amazon.com"}
        t2 = T("2026-10-17T09:16:03")
        root_session = dict(ident, accessKeyId=rand_key(rng), sessionContext={
            "sessionIssuer": {}, "webIdFederationData": {},
            "attributes": {"creationDate": iso_z(t), "mfaAuthenticated": "true"}})
        self.synthetic(rng, account=DEV, region=US, when=t2, identity=root_session, source="iam.amazonaws.com",
                       name="UpdateAccountPasswordPolicy",
                       params={"minimumPasswordLength": 14, "requireSymbols": True, "requireNumbers": True,
                               "requireUppercaseCharacters": True, "requireLowercaseCharacters": True,
                               "allowUsersToChangePassword": True, "maxPasswordAge": 90, "passwordReusePrevention": 12},
                       read_only=False, ip="198.51.100.201", ua="AWS Internal", host="iam.amazonaws.com",
                       protect=True)["sessionCredentialFromConsole"] = "true"

    def tampering(self):
        """P-TAMPER-STOP and P-GAP: eve stops the dev trail at 02:10Z and restarts it at 11:40Z on 20 October."""
        rng = self.rng("tampering")
        sess = self.story_session(rng, "eve", "data-platform-admin", DEV, STOP_LOGGING_AT - timedelta(minutes=7),
                                  tool="cli", ip="203.0.113.90")
        tr = TRAIL[DEV]
        trail_arn = f"arn:aws:cloudtrail:{HOME_REGION}:{DEV}:trail/{tr['name']}"
        self.real(rng, ("cloudtrail.amazonaws.com", "DescribeTrails"), account=DEV, region=HOME_REGION,
                  when=STOP_LOGGING_AT - timedelta(minutes=2), identity=sess.identity, ip=sess.ip,
                  ua=sess.ua("cloudtrail.describe-trails"))
        tpl = self.corpus.line("stratus-red-team.jsonl", self._line("stratus-red-team.jsonl", "StopLogging"))
        rec = self.derive(rng, tpl, account=DEV, region=HOME_REGION, when=STOP_LOGGING_AT, identity=sess.identity,
                          ip=sess.ip, ua=sess.ua("cloudtrail.stop-logging"), protect=True)
        rec["requestParameters"] = {"name": trail_arn}
        sess2 = self.story_session(rng, "eve", "data-platform-admin", DEV, START_LOGGING_AT - timedelta(seconds=50),
                                   tool="cli", ip="198.51.100.23")  # its login falls in the silent window
        tpl = self.corpus.line("invictus-ir_aws_dataset.jsonl", self._line("invictus-ir_aws_dataset.jsonl", "StartLogging"))
        rec = self.derive(rng, tpl, account=DEV, region=HOME_REGION, when=START_LOGGING_AT, identity=sess2.identity,
                          ip=sess2.ip, ua=sess2.ua("cloudtrail.start-logging"), protect=True)
        rec["requestParameters"] = {"name": trail_arn}

    def odd_records(self):
        """Odd-but-parseable eventTime formats and requestParameters keys differing only by case (prod, 12 Oct)."""
        rng = self.rng("odd")
        sess = self.story_session(rng, "eve", "data-platform-admin", PROD, T("2026-10-12T07:58:30"), tool="cli",
                                  ip="198.51.100.24")
        base = T("2026-10-12T08:01:02")
        for fmt in ["2026-10-12T08:01:02.123Z", "2026-10-12 08:01:02", "2026-10-12T08:01:02+00:00"]:
            rec = self.real(rng, ("ec2.amazonaws.com", "DescribeInstances"), account=PROD, region=EU, when=base,
                            identity=sess.identity, ip=sess.ip, ua=sess.ua("ec2.describe-instances"), protect=True,
                            keep_error=False)
            rec["eventTime"] = fmt
        tpl = self.corpus.line("invictus-ir_aws_dataset.jsonl", 670)  # PutBucketTagging with "Tagging" and "tagging"
        assert tpl[0]["eventName"] == "PutBucketTagging" and {"tagging", "Tagging"} <= set(tpl[0]["requestParameters"])
        rec = self.derive(rng, tpl, account=PROD, region=EU, when=T("2026-10-12T08:03:41"), identity=sess.identity,
                          ip=sess.ip, ua=sess.ua("s3api.put-bucket-tagging"), bucket=DATASETS_BUCKET, protect=True)
        rec["requestParameters"]["Tagging"]["TagSet"]["Tag"] = {"Value": "confidential", "Key": "data-classification"}
