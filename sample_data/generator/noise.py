"""CloudTrail activity: the background no person starts, all month long.

AWS Config describing resources, CloudTrail checking its bucket and encrypting log files with KMS, services assuming
roles and decrypting on a principal's behalf, and Terraform's nightly drift detection (03:00 UTC, read-only).
"""

from __future__ import annotations

from datetime import timedelta

from .activity import Activity, Session
from .formats import days, is_weekday
from .ids import kms_key_arn, rand_alnum, rand_key
from .org import ACCOUNTS, CI_IPS, EU, HOME_REGION, PROD, REGIONS, TRAIL, UA, US, WINDOW_END, WINDOW_START
from .sagemaker_estate import ENDPOINTS


class Noise(Activity):
    """Background events of AWS services and automation."""

    # --- background: AWS services, Config, the trail itself --------------------------------------------------------

    def background(self):
        for account in ACCOUNTS:
            for region in REGIONS:
                rng = self.rng(f"background:{account}:{region}")
                t = WINDOW_START + timedelta(seconds=rng.randint(5, 400))
                cfg_key = rand_key(rng)
                cfg_created = t
                while t < WINDOW_END:
                    if (t - cfg_created) > timedelta(hours=1):
                        cfg_key, cfg_created = rand_key(rng), t
                    self.background_event(rng, account, region, t, cfg_key, cfg_created)
                    busy = is_weekday(t) and 7 <= t.hour < 19
                    mean = (14 if busy else 30) if region == EU else (40 if busy else 65)
                    t += timedelta(seconds=min(rng.expovariate(1 / (mean * 60)), 75 * 60) + 20)

    def background_event(self, rng, account, region, t, cfg_key, cfg_created):
        config = self.assumed_role(account, "AWSServiceRoleForConfig", "AWSConfig-Describe", cfg_created, cfg_key,
                                   invoked_by="config.amazonaws.com", path="aws-service-role/config.amazonaws.com/")
        r = rng.random()
        if region == EU:
            if r < 0.55:
                key = rng.choice([k for k in self.tpl if k[0] in ("ec2.amazonaws.com",)] +
                                 [("s3.amazonaws.com", "GetBucketAcl"), ("s3.amazonaws.com", "GetBucketVersioning"),
                                  ("s3.amazonaws.com", "GetBucketPolicy"), ("s3.amazonaws.com", "GetBucketTagging"),
                                  ("s3.amazonaws.com", "GetBucketPublicAccessBlock"),
                                  ("rds.amazonaws.com", "DescribeDBInstances")])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.7:
                bucket = TRAIL[account]["bucket"]
                self.derive(rng, rng.choice(self.tpl_trail_acl), account=account, region=region, when=t,
                            identity=self.aws_service("cloudtrail.amazonaws.com"), bucket=bucket)
            elif r < 0.86 and account == PROD:
                self.trail_kms(rng, account, region, t)
            elif r < 0.86:
                k = rng.choice([("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeVolumes"),
                                ("ec2.amazonaws.com", "DescribeSecurityGroups")])
                self.real(rng, k, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.885:
                self.service_assume(rng, account, region, t)
            elif r < 0.985:
                self.service_kms(rng, account, region, t)
            else:
                self.derive(rng, rng.choice(self.tpl_service_event), account=account, region=region, when=t,
                            identity=None)
        else:
            if r < 0.5:
                key = rng.choice([("iam.amazonaws.com", n) for n in ("GetRole", "ListAttachedRolePolicies",
                                                                       "ListRolePolicies", "GetRolePolicy",
                                                                       "GetPolicy", "GetPolicyVersion",
                                                                       "ListInstanceProfilesForRole")])
                role = rng.choice(["ml-engineer", "ml-approver", "ml-deploy-pipeline", "sagemaker-execution-role",
                                   "data-platform-admin", "data-scientist-readonly"])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com", role=role)
            elif r < 0.92:
                key = rng.choice([("ec2.amazonaws.com", n) for n in ("DescribeVpcs", "DescribeSubnets",
                                                                       "DescribeSecurityGroups", "DescribeRouteTables",
                                                                       "DescribeNetworkAcls", "DescribeVolumes")])
                self.real(rng, key, account=account, region=region, when=t, identity=config,
                          ip="config.amazonaws.com", ua="config.amazonaws.com")
            elif r < 0.96:
                self.service_kms(rng, account, region, t)
            else:
                self.service_assume(rng, account, region, t)

    def trail_kms(self, rng, account, region, t):
        """The trail encrypts each log file with its KMS key: GenerateDataKey by cloudtrail.amazonaws.com."""
        tr = TRAIL[account]
        rec = self.real(rng, ("kms.amazonaws.com", "GenerateDataKey"), account=account, region=region, when=t,
                        identity=self.aws_service("cloudtrail.amazonaws.com"))
        rec["sourceIPAddress"] = rec["userAgent"] = "cloudtrail.amazonaws.com"
        rec["requestParameters"] = {
            "keyId": kms_key_arn(account),
            "encryptionContext": {"aws:cloudtrail:arn": f"arn:aws:cloudtrail:{HOME_REGION}:{account}:trail/{tr['name']}",
                                  "aws:s3:arn": f"arn:aws:s3:::{tr['bucket']}/AWSLogs/{account}/CloudTrail/{region}/"
                                                f"{t:%Y/%m/%d}/{account}_CloudTrail_{region}_{t:%Y%m%dT%H%MZ}_"
                                                f"{rand_alnum(rng, 16)}.json.gz"},
            "keySpec": "AES_256"}
        rec["resources"] = [{"accountId": account, "type": "AWS::KMS::Key", "ARN": kms_key_arn(account)}]
        rec.pop("vpcEndpointId", None)
        rec.pop("sessionCredentialFromConsole", None)

    # --- terraform drift detection, nightly ------------------------------------------------------------------------

    def terraform(self):
        for account in ACCOUNTS:
            rng = self.rng(f"terraform:{account}")
            key = rand_key(rng, "AKIA")
            ident = self.iam_user(account, "northwind-terraform", key)
            for day in days(WINDOW_START, WINDOW_END):
                t = day + timedelta(hours=3, minutes=rng.randint(0, 6), seconds=rng.randint(0, 59))
                n = rng.randint(95, 135) if account == PROD else rng.randint(60, 90)
                keys = list(self.tpl)
                for _ in range(n):
                    k = rng.choice(keys)
                    if k[0] in ("health.amazonaws.com",):
                        continue
                    region = US if k[0] == "iam.amazonaws.com" else EU
                    svc = k[0].split(".")[0]
                    role = rng.choice(["ml-engineer", "ml-approver", "ml-deploy-pipeline", "sagemaker-execution-role"])
                    self.real(rng, k, account=account, region=region, when=t, identity=ident, ip=CI_IPS[2],
                              ua=UA["terraform"].format(svc=svc), role=role)
                    t += timedelta(milliseconds=rng.randint(150, 4000))
                if account == PROD:  # terraform also refreshes the SageMaker endpoints it manages
                    sess = Session(self, rng, account, "ml-deploy-pipeline", "terraform-drift", t, "cli", CI_IPS[2])
                    sess.identity = ident
                    for ep in ENDPOINTS:
                        rec = self.sm(rng, sess, t, "DescribeEndpoint", {"endpointName": ep})
                        rec["userAgent"] = UA["terraform"].format(svc="sagemaker")
                        t += timedelta(milliseconds=rng.randint(200, 900))
