"""AWS API snapshots: IAM GetAccountAuthorizationDetails per account, with the roles, inline and managed policies
of the wildcard checks (P-IAM-PIPELINE, P-IAM-SANDBOX and their clean counterparts)."""

from __future__ import annotations

from datetime import timedelta

from .formats import iso_api
from .ids import b32id, kms_key_arn, role_arn, role_id, user_id
from .org import ACCOUNT_ALIAS, CAPTURED_AT, DATASETS_BUCKET, EU, PROD, SAML_PROVIDER


class IamSnapshot:
    """Mixin of ``AwsSnapshot``: the IAM response."""

    @staticmethod
    def trust(principal: dict, action: str = "sts:AssumeRole", condition: dict | None = None) -> dict:
        st = {"Effect": "Allow", "Principal": principal, "Action": action}
        if condition:
            st["Condition"] = condition
        return {"Version": "2012-10-17", "Statement": [st]}

    def iam(self, account: str):
        rng = self.rng(f"iam:{account}")
        saml = self.trust({"Federated": f"arn:aws:iam::{account}:saml-provider/{SAML_PROVIDER}"},
                          "sts:AssumeRoleWithSAML", {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})
        doc = lambda *st: {"Version": "2012-10-17", "Statement": list(st)}  # noqa: E731
        sm = f"arn:aws:sagemaker:{EU}:{account}"
        exec_role = role_arn(account, "sagemaker-execution-role")
        aws_ro = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"
        aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
        local = lambda name: f"arn:aws:iam::{account}:policy/{name}"  # noqa: E731

        managed: dict[str, dict] = {
            aws_ro: dict(name="AmazonSageMakerReadOnly", created="2017-11-29T13:07:59+00:00", versions=[("v11", True,
                "2021-12-01T16:29:20+00:00", doc(
                    {"Effect": "Allow", "Action": [
                        "sagemaker:Describe*", "sagemaker:List*", "sagemaker:BatchGetMetrics",
                        "sagemaker:GetDeviceRegistration", "sagemaker:GetDeviceFleetReport",
                        "sagemaker:GetSearchSuggestions", "sagemaker:BatchGetRecord", "sagemaker:GetRecord",
                        "sagemaker:Search", "sagemaker:QueryLineage", "sagemaker:GetLineageGroupPolicy",
                        "sagemaker:BatchDescribeModelPackage", "sagemaker:GetModelPackageGroupPolicy"],
                     "Resource": "*"},
                    {"Effect": "Allow", "Action": [
                        "application-autoscaling:DescribeScalableTargets",
                        "application-autoscaling:DescribeScalingActivities",
                        "application-autoscaling:DescribeScalingPolicies",
                        "application-autoscaling:DescribeScheduledActions", "aws-marketplace:ViewSubscriptions",
                        "cloudwatch:DescribeAlarms", "cognito-idp:DescribeUserPool",
                        "cognito-idp:DescribeUserPoolClient", "cognito-idp:ListGroups",
                        "cognito-idp:ListIdentityProviders", "cognito-idp:ListUserPoolClients",
                        "cognito-idp:ListUserPools", "cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup",
                        "ecr:Describe*"], "Resource": "*"}))]),
            aws_admin: dict(name="AdministratorAccess", created="2015-02-06T18:39:46+00:00", versions=[
                ("v1", True, "2015-02-06T18:39:46+00:00", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))]),
            local("sagemaker-execution-access"): dict(name="sagemaker-execution-access", created="2024-03-01T12:40:00+00:00",
                versions=[("v3", True, "2025-09-14T08:12:31+00:00", doc(
                    {"Sid": "Datasets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                     "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*",
                                  "arn:aws:s3:::northwind-dev-sandbox", "arn:aws:s3:::northwind-dev-sandbox/*"]},
                    {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                     "Resource": ["arn:aws:s3:::northwind-ml-artifacts/*"]},
                    {"Sid": "Images", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                                                     "ecr:GetDownloadUrlForLayer"], "Resource": "*"},
                    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents",
                                                                   "logs:CreateLogGroup", "cloudwatch:PutMetricData"],
                     "Resource": "*"},
                    {"Sid": "Kms", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                     "Resource": kms_key_arn(account)}))]),
        }
        if account == PROD:
            managed[local("ml-approver-access")] = dict(name="ml-approver-access", created="2024-05-02T10:00:00+00:00",
                versions=[
                    ("v2", True, "2025-06-30T09:14:02+00:00", doc(
                        {"Sid": "ApproveModelPackages", "Effect": "Allow",
                         "Action": ["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage",
                                    "sagemaker:ListModelPackages", "sagemaker:ListModelPackageGroups"],
                         "Resource": f"{sm}:model-package*"},
                        {"Sid": "Monitoring", "Effect": "Allow",
                         "Action": ["cloudwatch:GetMetricData", "logs:FilterLogEvents"], "Resource": "*"})),
                    ("v1", False, "2024-05-02T10:00:00+00:00", doc(
                        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"})),
                ])
        else:
            managed[local("ml-approver-access")] = dict(name="ml-approver-access", created="2024-05-02T10:03:00+00:00",
                versions=[("v1", True, "2024-05-02T10:03:00+00:00", doc(
                    {"Effect": "Allow", "Action": ["sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage",
                                                   "sagemaker:ListModelPackages"],
                     "Resource": f"{sm}:model-package*"}))])
            managed[local("ml-engineer-sandbox")] = dict(name="ml-engineer-sandbox", created="2026-04-17T15:41:09+00:00",
                versions=[("v1", True, "2026-04-17T15:41:09+00:00", doc(
                    {"Sid": "SandboxEverything", "Effect": "Allow", "Action": "*", "Resource": "*"}))])

        roles = []

        def role(name, trust_doc, inline=(), attached=(), created="2024-03-01T12:00:00+00:00", path="/",
                 description=None, last_used=True):
            r = {"Path": path, "RoleName": name, "RoleId": role_id(account, name),
                 "Arn": f"arn:aws:iam::{account}:role{path}{name}", "CreateDate": created,
                 "AssumeRolePolicyDocument": trust_doc, "InstanceProfileList": [],
                 "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
                 "AttachedManagedPolicies": [{"PolicyName": managed[a]["name"], "PolicyArn": a} for a in attached],
                 "Tags": [{"Key": "owner", "Value": "data-platform"}, {"Key": "env", "Value": ACCOUNT_ALIAS[account]}]}
            if description:
                r["Description"] = description
            r["RoleLastUsed"] = ({"LastUsedDate": iso_api(CAPTURED_AT - timedelta(minutes=rng.randint(5, 3000))),
                                  "Region": EU} if last_used else {})
            roles.append(r)

        engineer_inline = doc(
            {"Sid": "RegistryAuthoring", "Effect": "Allow",
             "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage",
                        "sagemaker:CreateModelPackageGroup", "sagemaker:AddTags"],
             "Resource": f"{sm}:model-package*"},
            {"Sid": "Training", "Effect": "Allow",
             "Action": ["sagemaker:CreateTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:CreateExperiment"],
             "Resource": f"{sm}:*"},
            {"Sid": "PassExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role,
             "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
            {"Sid": "ReadDatasets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*"]},
            {"Sid": "Observe", "Effect": "Allow",
             "Action": ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams",
                        "logs:DescribeLogGroups", "cloudwatch:GetMetricData"], "Resource": "*"},
            {"Sid": "NeverTouchTheTrail", "Effect": "Deny", "Action": "cloudtrail:*", "Resource": "*"})
        if account == PROD:
            role("ml-engineer", saml, inline=[("ml-engineer-workspace", engineer_inline)], attached=[aws_ro],
                 description="ML engineers (Okta group ml-engineers)")
            role("ml-approver", saml, attached=[local("ml-approver-access"), aws_ro],
                 description="Model risk reviewers who approve model packages")
            role("ml-deploy-pipeline", self.trust({"Service": "codebuild.amazonaws.com"}),
                 inline=[("deploy-sagemaker", doc(
                     {"Sid": "SageMakerDeploy", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
                     {"Sid": "PassExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role,
                      "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
                     {"Sid": "BuildLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:{EU}:{account}:log-group:/aws/codebuild/ml-deploy-pipeline:*"},
                     {"Sid": "Secrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"],
                      "Resource": "*"}))],
                 description="CodeBuild project ml-deploy-pipeline")
            role("sagemaker-execution-role", self.trust({"Service": "sagemaker.amazonaws.com"}),
                 attached=[local("sagemaker-execution-access")])
            role("data-platform-admin", saml, attached=[aws_admin], description="Platform administrators")
            role("data-scientist-readonly", saml, attached=[aws_ro], inline=[("datasets-read", doc(
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": [f"arn:aws:s3:::{DATASETS_BUCKET}", f"arn:aws:s3:::{DATASETS_BUCKET}/*"]},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{DATASETS_BUCKET}/restricted/*"}))])
            role("mlflow-server", self.trust({"Service": "ecs-tasks.amazonaws.com"}), inline=[("mlflow-artifacts", doc(
                {"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::northwind-mlflow-artifacts",
                                                                    "arn:aws:s3:::northwind-mlflow-artifacts/*"]}))],
                 description="ECS task role of the MLflow tracking server")
            role("cloudtrail-to-cloudwatch", self.trust({"Service": "cloudtrail.amazonaws.com"}),
                 inline=[("cloudwatch-delivery", doc(
                     {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:{EU}:{account}:log-group:/aws/cloudtrail/northwind-audit-trail:*"}))],
                 created="2024-02-12T09:28:40+00:00")
        else:
            role("ml-engineer", saml, inline=[("ml-engineer-workspace", engineer_inline)],
                 attached=[local("ml-engineer-sandbox"), aws_ro], description="ML engineers (sandbox account)")
            role("ml-approver", saml, attached=[local("ml-approver-access")], last_used=False)
            role("ml-deploy-pipeline", self.trust({"Service": "codebuild.amazonaws.com"}), inline=[("deploy-sagemaker", doc(
                {"Effect": "Allow", "Action": ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig",
                                               "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
                                               "sagemaker:Describe*", "sagemaker:List*"], "Resource": f"{sm}:*"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role}))])
            role("sagemaker-execution-role", self.trust({"Service": "sagemaker.amazonaws.com"}),
                 attached=[local("sagemaker-execution-access")])
            role("data-platform-admin", saml, attached=[aws_admin])

        user = {"Path": "/", "UserName": "northwind-terraform", "UserId": user_id(account, "northwind-terraform"),
                "Arn": f"arn:aws:iam::{account}:user/northwind-terraform", "CreateDate": "2024-02-10T16:03:12+00:00",
                "UserPolicyList": [], "GroupList": ["platform-automation"], "AttachedManagedPolicies": [],
                "Tags": [{"Key": "owner", "Value": "data-platform"}]}
        group = {"Path": "/", "GroupName": "platform-automation", "GroupId": "AGPA" + b32id(account, "group"),
                 "Arn": f"arn:aws:iam::{account}:group/platform-automation", "CreateDate": "2024-02-10T16:02:40+00:00",
                 "GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
                                                                      "PolicyArn": aws_admin}]}
        counts: dict[str, int] = {}
        for r in roles:
            for a in r["AttachedManagedPolicies"]:
                counts[a["PolicyArn"]] = counts.get(a["PolicyArn"], 0) + 1
        counts[aws_admin] = counts.get(aws_admin, 0) + 1
        policies = []
        for arn, m in sorted(managed.items()):
            if arn not in counts:
                continue
            default = next(v for v in m["versions"] if v[1])
            policies.append({
                "PolicyName": m["name"], "PolicyId": "ANPA" + b32id(arn, "policy"), "Arn": arn, "Path": "/",
                "DefaultVersionId": default[0], "AttachmentCount": counts[arn], "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True, "CreateDate": m["created"], "UpdateDate": default[2],
                "PolicyVersionList": [{"Document": d, "VersionId": v, "IsDefaultVersion": is_default, "CreateDate": c}
                                      for v, is_default, c, d in m["versions"]]})
        users = [user]
        if account == PROD:  # P-LTKEY-BATCH: a legacy user whose long-term key runs batch scoring
            users.append(dict(user, UserName="ml-batch-scorer", UserId=user_id(account, "ml-batch-scorer"),
                              Arn=f"arn:aws:iam::{account}:user/ml-batch-scorer",
                              CreateDate="2023-06-12T11:20:05+00:00",
                              GroupList=[], UserPolicyList=[{"PolicyName": "batch-transform", "PolicyDocument": doc(
                                  {"Effect": "Allow", "Action": ["sagemaker:CreateTransformJob",
                                                                 "sagemaker:Describe*"], "Resource": f"{sm}:*"})}]))
        body = {"UserDetailList": users, "GroupDetailList": [group], "RoleDetailList": roles, "Policies": policies,
                "IsTruncated": False}
        self.put(account, "global", "iam", "GetAccountAuthorizationDetails", body)
