"""CloudTrail activity, first layer: role sessions and the builders of single API calls.

The month's activity is a chain of classes, each adding what it does to the one below it:

    Trail             trail.py               the record collector, principals, synthetic and derived records
    Activity          activity.py            one API call of each kind
    Noise             noise.py               AWS services, Config, the trail itself, Terraform
    People            people.py              working sessions of people
    Pipelines         pipelines.py           CI builds, nightly training
    SageMakerHistory  sagemaker_history.py   model registry and deployments
    Planted           planted.py             planted violations and their clean counterparts
    Month             month.py               runs them all, in order
"""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import re
from datetime import datetime, timedelta

from .corpus import Corpus, canonical
from .formats import console_time
from .ids import b32id, mutate_token, rand_hex, rand_key, role_arn, role_id, s3_request_id
from .org import EU, PEOPLE_EMAIL, SAML_PROVIDER, UA, US, WINDOW_START
from .sagemaker_estate import SM_REGION
from .trail import Trail


class Session:
    """One role session of a person or a pipeline: who, from where, with which client."""

    def __init__(self, trail: Trail, rng: random.Random, account: str, role: str, name: str, start: datetime,
                 tool: str, ip: str, *, person: str | None = None):
        self.account, self.role, self.name, self.start, self.tool, self.ip = account, role, name, start, tool, ip
        self.person = person
        self.key = rand_key(rng)
        self.identity = trail.assumed_role(account, role, name, start, self.key, mfa=tool == "console")

    def ua(self, cmd: str = "sts.get-caller-identity") -> str:
        return UA[self.tool].format(cmd=cmd, svc="sts")


def cli_cmd(source: str, name: str) -> str:
    svc = source.split(".")[0]
    svc = {"monitoring": "cloudwatch", "api.sagemaker": "sagemaker"}.get(svc, svc)
    return svc + "." + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class Activity(Trail):
    """One API call of each kind, from a real template or in a synthetic envelope; the layers above compose them."""

    def __init__(self, seed: int, corpus: Corpus):
        super().__init__(seed, corpus)
        c = corpus
        ok = lambda pool: [t for t in pool if t[0].get("errorCode") not in ("AccessDenied",)]  # noqa: E731
        inv = "invictus-ir_aws_dataset.jsonl"
        self.tpl = {
            key: ok(c.pool(*key, src_file=inv, ident_types={"IAMUser", "AssumedRole"}))
            for key in [
                ("ec2.amazonaws.com", "DescribeVpcs"), ("ec2.amazonaws.com", "DescribeSubnets"),
                ("ec2.amazonaws.com", "DescribeRouteTables"), ("ec2.amazonaws.com", "DescribeSecurityGroups"),
                ("ec2.amazonaws.com", "DescribeInstances"), ("ec2.amazonaws.com", "DescribeNetworkInterfaces"),
                ("ec2.amazonaws.com", "DescribeVolumes"), ("ec2.amazonaws.com", "DescribeAvailabilityZones"),
                ("ec2.amazonaws.com", "DescribeNatGateways"), ("ec2.amazonaws.com", "DescribeInternetGateways"),
                ("ec2.amazonaws.com", "DescribeNetworkAcls"), ("ec2.amazonaws.com", "DescribeAccountAttributes"),
                ("ec2.amazonaws.com", "DescribeVpcAttribute"), ("ec2.amazonaws.com", "DescribeImages"),
                ("iam.amazonaws.com", "GetRole"), ("iam.amazonaws.com", "ListAttachedRolePolicies"),
                ("iam.amazonaws.com", "ListRolePolicies"), ("iam.amazonaws.com", "GetRolePolicy"),
                ("iam.amazonaws.com", "GetPolicy"), ("iam.amazonaws.com", "GetPolicyVersion"),
                ("iam.amazonaws.com", "GetUser"), ("iam.amazonaws.com", "ListInstanceProfilesForRole"),
                ("s3.amazonaws.com", "GetBucketAcl"), ("s3.amazonaws.com", "GetBucketVersioning"),
                ("s3.amazonaws.com", "GetBucketPolicy"), ("s3.amazonaws.com", "GetBucketLogging"),
                ("s3.amazonaws.com", "GetBucketTagging"), ("s3.amazonaws.com", "GetBucketPublicAccessBlock"),
                ("s3.amazonaws.com", "GetBucketEncryption"), ("s3.amazonaws.com", "GetBucketLifecycle"),
                ("s3.amazonaws.com", "GetBucketObjectLockConfiguration"), ("s3.amazonaws.com", "GetBucketLocation"),
                ("kms.amazonaws.com", "Decrypt"), ("kms.amazonaws.com", "GenerateDataKey"),
                ("ssm.amazonaws.com", "GetParameter"), ("ssm.amazonaws.com", "DescribeParameters"),
                ("secretsmanager.amazonaws.com", "GetSecretValue"), ("secretsmanager.amazonaws.com", "DescribeSecret"),
                ("sts.amazonaws.com", "GetCallerIdentity"), ("rds.amazonaws.com", "DescribeDBInstances"),
                ("cloudtrail.amazonaws.com", "DescribeTrails"), ("cloudtrail.amazonaws.com", "GetEventSelectors"),
                ("cloudtrail.amazonaws.com", "ListTags"), ("health.amazonaws.com", "DescribeEventAggregates"),
            ]
        }
        self.tpl_service_assume = c.pool("sts.amazonaws.com", "AssumeRole", src_file=inv, ident_types={"AWSService"})
        self.tpl_trail_acl = c.pool("s3.amazonaws.com", "GetBucketAcl", src_file=inv, ident_types={"AWSService"})
        self.tpl_service_event = c.pool("secretsmanager.amazonaws.com", "EndSecretVersionDelete", src_file=inv)
        self.tpl_getobject = c.pool("s3.amazonaws.com", "GetObject", src_file="otrf-security-datasets.jsonl")
        self._now = WINDOW_START  # the time sm_read_params resolves "existing resources" against

    # --- building blocks -------------------------------------------------------------------------------------------

    def real(self, rng, key, *, account, region, when, identity, ip=None, ua=None, role="ml-engineer",
             bucket=None, protect=False, keep_error=True):
        return self.derive(rng, rng.choice(self.tpl[key]), account=account, region=region, when=when,
                           identity=identity, ip=ip, ua=ua, role=role, bucket=bucket, protect=protect,
                           keep_error=keep_error)

    def sm(self, rng, sess: Session, when, name, params, *, response=None, read_only=True, region=SM_REGION,
           error=None, protect=False):
        rec = self.synthetic(rng, account=sess.account, region=region, when=when, identity=sess.identity,
                             source="sagemaker.amazonaws.com", name=name, params=params, response=response,
                             read_only=read_only, ip=sess.ip, ua=sess.ua(cli_cmd("sagemaker", name)), error=error,
                             host=f"api.sagemaker.{region}.amazonaws.com", protect=protect)
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def s3_object(self, rng, *, account, region, when, identity, op, bucket, key, ip, ua, error=None,
                  vpce=None, size=None):
        """An S3 data event, from the real GetObject records of the OTRF dataset brought to the 1.09 layout."""
        rec = self.derive(rng, rng.choice(self.tpl_getobject), account=account, region=region, when=when,
                          identity=identity, ip=ip, ua=ua, bucket=bucket, add=False)
        rec["eventVersion"] = "1.09"
        rec["eventName"] = op
        rec["awsRegion"] = region
        rec["readOnly"] = op == "GetObject"
        rec["requestParameters"] = {"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com", "key": key}
        size = size if size is not None else rng.randint(2_000_000, 96_000_000)
        extra = rec["additionalEventData"]
        extra.update({"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                      "bytesTransferredIn": 0.0 if op == "GetObject" else float(size),
                      "AuthenticationMethod": "AuthHeader",
                      "bytesTransferredOut": float(size) if op == "GetObject" else 0.0})
        if op != "GetObject":
            extra["x-auditreport-sample"] = "synthetic"
        rec["resources"] = [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]
        rec["recipientAccountId"] = account
        rec["requestID"] = s3_request_id(rng)
        if error:
            rec["errorCode"], rec["errorMessage"] = error
            extra["bytesTransferredOut"] = 0.0
        if vpce:
            rec["vpcEndpointId"] = vpce
        rec["eventCategory"] = "Data"
        rec["managementEvent"] = False
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": f"{bucket}.s3.{region}.amazonaws.com"}
        rec = canonical(rec)
        return self.add(account, region, when, rec)

    def logs_call(self, rng, sess: Session, when, name, params, region=EU):
        rec = self.synthetic(rng, account=sess.account, region=region, when=when, identity=sess.identity,
                             source="logs.amazonaws.com", name=name, params=params, read_only=True, ip=sess.ip,
                             ua=sess.ua(cli_cmd("logs", name)))
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def metric_call(self, rng, sess: Session, when, endpoint):
        start = when - timedelta(hours=3)
        params = {"metricDataQueries": [{"id": "m1", "metricStat": {"metric": {
            "namespace": "AWS/SageMaker", "metricName": rng.choice(["ModelLatency", "Invocations", "Invocation5XXErrors"]),
            "dimensions": [{"name": "EndpointName", "value": endpoint}, {"name": "VariantName", "value": "AllTraffic"}]},
            "period": 300, "stat": "Average"}, "returnData": True}],
            "startTime": console_time(start), "endTime": console_time(when)}
        rec = self.synthetic(rng, account=sess.account, region=EU, when=when, identity=sess.identity,
                             source="monitoring.amazonaws.com", name="GetMetricData", params=params, read_only=True,
                             ip=sess.ip, ua=sess.ua("cloudwatch.get-metric-data"))
        if sess.tool == "console":
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def saml_login(self, rng, sess: Session, when):
        """AssumeRoleWithSAML at the start of a person's session (global STS endpoint, so us-east-1)."""
        acct, email = sess.account, PEOPLE_EMAIL.format(sess.person)
        tpl = rng.choice(self.tpl_service_assume)
        token = mutate_token(rng, tpl[0]["responseElements"]["credentials"]["sessionToken"])
        provider = f"arn:aws:iam::{acct}:saml-provider/{SAML_PROVIDER}"
        rarn = role_arn(acct, sess.role)
        ident = {"type": "SAMLUser", "principalId": f"{b32id(acct, 'saml', n=28)}=:{email}", "userName": email,
                 "identityProvider": b32id(acct, "idp", n=27) + "="}
        params = {"sAMLAssertionID": "_" + rand_hex(rng, 32), "roleSessionName": sess.name, "roleArn": rarn,
                  "principalArn": provider, "durationSeconds": 3600}
        resp = {"credentials": {"accessKeyId": sess.key, "sessionToken": token,
                                "expiration": console_time(when + timedelta(hours=1))},
                "assumedRoleUser": {"assumedRoleId": f"{role_id(acct, sess.role)}:{sess.name}",
                                    "arn": f"arn:aws:sts::{acct}:assumed-role/{sess.role}/{sess.name}"},
                "subject": email, "subjectType": "persistent", "issuer": "http://www.okta.com/exk4nw1nd0rthw1nd",
                "audience": "https://signin.aws.amazon.com/saml",
                "nameQualifier": base64.b64encode(hashlib.sha1(acct.encode()).digest()).decode()}
        res = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": rarn},
               {"accountId": acct, "type": "AWS::IAM::SAMLProvider", "ARN": provider}]
        ua = UA["console"] if sess.tool == "console" else "aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.226 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS java/17.0.12 vendor/Amazon.com_Inc. cfg/retry-mode/standard"
        return self.synthetic(rng, account=acct, region=US, when=when, identity=ident, source="sts.amazonaws.com",
                              name="AssumeRoleWithSAML", params=params, response=resp, read_only=True, ip=sess.ip,
                              ua=ua, resources=res, host="sts.amazonaws.com")

    def service_assume(self, rng, account, region, when):
        tpl = rng.choice(self.tpl_service_assume)
        ident = copy.deepcopy(tpl[0]["userIdentity"])
        return self.derive(rng, tpl, account=account, region=region, when=when, identity=ident)

    def service_kms(self, rng, account, region, t):
        """A service decrypting on a principal's behalf (Secrets Manager, SSM), as in the real records."""
        k = rng.choice([("kms.amazonaws.com", "Decrypt"), ("kms.amazonaws.com", "Decrypt"),
                        ("kms.amazonaws.com", "GenerateDataKey")])
        sess_key = rand_key(rng)
        ident = self.assumed_role(account, "sagemaker-execution-role", "SageMaker", t - timedelta(minutes=20), sess_key,
                                  invoked_by="secretsmanager.amazonaws.com")
        return self.real(rng, k, account=account, region=region, when=t, identity=ident)
