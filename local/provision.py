"""Create the resources declared in infra/resources.json on the emulated AWS.

moto's CloudFormation lacks some resource types this template needs (Cognito, SNS
subscriptions, SAM state machines), so every declared resource is created here, by one
function per type, from the very same properties. Types with no local effect (IAM,
resource policies, CloudFront) are listed and skipped on purpose; any other type stops
provisioning, so nothing declared is silently missing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "resources.json"
ACCOUNT_ID = "123456789012"  # moto's default account
# The template's state machine every declared workflow's machine is created like.
MODEL_STATE_MACHINE = "AndesitStateMachine"

# Enforced or served only by AWS itself; the local stack has no counterpart to configure.
NO_LOCAL_EFFECT = {
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::Function",
    "AWS::ApiGateway::GatewayResponse",  # applied by local.gateway from the same template
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Permission",
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::LogGroup",
    "AWS::Serverless::Function",  # merged into Chalice's functions; run by local.dispatcher
}


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Provisioned:
    """What CloudFormation would know after the stack is created: Ref and GetAtt values."""

    region: str
    parameters: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self._ref(arg)
            if key == "Fn::GetAtt":
                resource, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.attributes[(resource, attribute)]
            if key == "Fn::Sub":
                text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                extra = {k: self.resolve(v) for k, v in extra.items()}
                return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1), extra), text)
            if key == "Fn::Join":
                sep, parts = arg
                return sep.join(str(self.resolve(p)) for p in parts)
        return {k: self.resolve(v) for k, v in value.items()}

    def _ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.parameters.get("ResourcePrefix", "etracking"),
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.refs[name]

    def _sub(self, name: str, extra: dict[str, Any]) -> str:
        if name in extra:
            return str(extra[name])
        if "." in name:
            resource, attribute = name.split(".", 1)
            return self.attributes[(resource, attribute)]
        return self._ref(name)


def _dependencies(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                found.update(n.split(".", 1)[0] for n in re.findall(r"\$\{([^}]+)\}", text))
                if isinstance(arg, list):
                    found |= _dependencies(arg[1])
            else:
                found |= _dependencies(arg)
    elif isinstance(value, list):
        for item in value:
            found |= _dependencies(item)
    return found


def creation_order(resources: dict[str, Any]) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ValueError(f"circular reference at {name}")
        state[name] = "visiting"
        for dep in sorted(_dependencies(resources[name]) & set(resources)):
            visit(dep)
        state[name] = "done"
        order.append(name)

    for name in resources:
        visit(name)
    return order


class Provisioner:
    def __init__(
        self,
        endpoint: str | None,
        region: str,
        parameters: dict[str, str] | None = None,
        template: dict[str, Any] | None = None,
        root: Path = ROOT,
    ) -> None:
        self.template = template or load_template()
        self.root = root
        defaults = {
            k: str(v.get("Default", "")) for k, v in self.template.get("Parameters", {}).items()
        }
        self.state = Provisioned(region=region, parameters={**defaults, **(parameters or {})})
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        self.client = lambda service: session.client(service, endpoint_url=endpoint)
        self._creators: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "AWS::DynamoDB::Table": self._table,
            "AWS::S3::Bucket": self._bucket,
            "AWS::SNS::Topic": self._topic,
            "AWS::SQS::Queue": self._queue,
            "AWS::SNS::Subscription": self._subscription,
            "AWS::Serverless::StateMachine": self._state_machine,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._user_pool_group,
        }

    def run(self) -> Provisioned:
        resources = self.template["Resources"]
        # Chalice's own resources (RestAPI, DefaultRole…) are not in the merge template.
        for name in creation_order(resources):
            rtype = resources[name]["Type"]
            if rtype in NO_LOCAL_EFFECT:
                continue
            if rtype not in self._creators:
                raise ValueError(f"{name}: resource type {rtype} has no local provisioner")
            props = self.state.resolve(resources[name].get("Properties", {}))
            self._creators[rtype](name, props)
        return self.state

    def function_environment(self) -> dict[str, str]:
        """The app's environment, resolved from the template's Globals like CloudFormation would."""
        variables = (
            self.template.get("Globals", {})
            .get("Function", {})
            .get("Environment", {})
            .get("Variables", {})
        )
        return {k: str(self.state.resolve(v)) for k, v in variables.items()}

    def provision_workflows(self, roots: Iterable[Path]) -> list[str]:
        """State machines and Cognito groups of the workflows declared in extra declaration
        roots (EXTRA_DECLARATIONS: test or trial workflows, outside chalicelib/), for a stack
        whose template resources `run()` has created. Each machine is created like the
        template's model machine (`${ResourcePrefix}-<id>`, the root's ASL, the same
        substitutions); each role that is not a group yet becomes one. Returns the ids of
        the workflows whose machine was created here."""
        from chalicelib.core.catalog import Catalog

        resources = self.template["Resources"]
        model = resources[MODEL_STATE_MACHINE]
        declared_machines = {
            self.state.resolve(r["Properties"]["Name"])
            for r in resources.values()
            if r["Type"] == "AWS::Serverless::StateMachine"
        }
        cognito = self.client("cognito-idp")
        pool_id = self.state.refs["UserPool"]
        groups = {
            g["GroupName"]
            for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool_id)
            for g in page["Groups"]
        }
        created = []
        for root in roots:
            for workflow in Catalog.load([root]).workflows.values():
                name = self.state.resolve({"Fn::Sub": "${ResourcePrefix}-" + workflow.id})
                if name not in declared_machines:
                    properties = self.state.resolve(model["Properties"])
                    properties["Name"] = name
                    properties["DefinitionUri"] = str(workflow.asl_path)
                    self._state_machine(f"{workflow.id}:StateMachine", properties)
                    declared_machines.add(name)
                    created.append(workflow.id)
                for role in workflow.roles.values():
                    if role.id not in groups:
                        cognito.create_group(
                            UserPoolId=pool_id, GroupName=role.id, Description=role.label
                        )
                        groups.add(role.id)
        return created

    # --- one creator per resource type ---------------------------------------------------

    def _table(self, name: str, p: dict[str, Any]) -> None:
        args: dict[str, Any] = {
            k: p[k]
            for k in ("TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes")
            if k in p
        }
        args["BillingMode"] = p.get("BillingMode", "PAY_PER_REQUEST")
        ddb = self.client("dynamodb")
        arn = ddb.create_table(**args)["TableDescription"]["TableArn"]
        ttl = p.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(TableName=p["TableName"], TimeToLiveSpecification=ttl)
        self.state.refs[name] = p["TableName"]
        self.state.attributes[(name, "Arn")] = arn

    def _bucket(self, name: str, p: dict[str, Any]) -> None:
        s3 = self.client("s3")
        bucket = p["BucketName"]
        args: dict[str, Any] = {"Bucket": bucket}
        if self.state.region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": self.state.region}
        s3.create_bucket(**args)
        if "BucketEncryption" in p:
            rules = [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules}
            )
        if "PublicAccessBlockConfiguration" in p:
            s3.put_public_access_block(
                Bucket=bucket, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"]
            )
        if "VersioningConfiguration" in p:
            s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration=p["VersioningConfiguration"]
            )
        if "CorsConfiguration" in p:
            rules = [
                {
                    "AllowedMethods": r["AllowedMethods"],
                    "AllowedOrigins": r["AllowedOrigins"],
                    "AllowedHeaders": r.get("AllowedHeaders", []),
                    "ExposeHeaders": r.get("ExposedHeaders", []),
                    "MaxAgeSeconds": r.get("MaxAge", 0),
                }
                for r in p["CorsConfiguration"]["CorsRules"]
            ]
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
        self.state.refs[name] = bucket
        self.state.attributes[(name, "Arn")] = f"arn:aws:s3:::{bucket}"
        self.state.attributes[(name, "RegionalDomainName")] = (
            f"{bucket}.s3.{self.state.region}.amazonaws.com"
        )

    def _topic(self, name: str, p: dict[str, Any]) -> None:
        arn = self.client("sns").create_topic(Name=p["TopicName"])["TopicArn"]
        self.state.refs[name] = arn
        self.state.attributes[(name, "TopicName")] = p["TopicName"]
        self.state.attributes[(name, "TopicArn")] = arn

    def _queue(self, name: str, p: dict[str, Any]) -> None:
        attributes = {}
        for key in (
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
            "MaximumMessageSize",
        ):
            if key in p:
                attributes[key] = str(p[key])
        if "RedrivePolicy" in p:
            attributes["RedrivePolicy"] = json.dumps(p["RedrivePolicy"])
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=p["QueueName"], Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.state.refs[name] = url
        self.state.attributes[(name, "Arn")] = arn
        self.state.attributes[(name, "QueueName")] = p["QueueName"]
        self.state.attributes[(name, "QueueUrl")] = url

    def _subscription(self, name: str, p: dict[str, Any]) -> None:
        attributes = {}
        if "RawMessageDelivery" in p:
            attributes["RawMessageDelivery"] = str(p["RawMessageDelivery"]).lower()
        if "FilterPolicy" in p:
            attributes["FilterPolicy"] = json.dumps(p["FilterPolicy"])
        if "FilterPolicyScope" in p:
            attributes["FilterPolicyScope"] = p["FilterPolicyScope"]
        arn = self.client("sns").subscribe(
            TopicArn=p["TopicArn"],
            Protocol=p["Protocol"],
            Endpoint=p["Endpoint"],
            Attributes=attributes,
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        self.state.refs[name] = arn

    def _state_machine(self, name: str, p: dict[str, Any]) -> None:
        # A relative DefinitionUri is the template's (from the repository); an absolute one
        # is an extra root's ASL file.
        definition = (self.root / p["DefinitionUri"]).read_text(encoding="utf-8")
        for key, value in p.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + key + "}", str(value))
        machine_name = p.get("Name", name)
        arn = self.client("stepfunctions").create_state_machine(
            name=machine_name,
            definition=definition,
            type=p.get("Type", "STANDARD"),
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{machine_name}-role",
        )["stateMachineArn"]
        self.state.refs[name] = arn
        self.state.attributes[(name, "Name")] = machine_name
        self.state.attributes[(name, "Arn")] = arn

    def _user_pool(self, name: str, p: dict[str, Any]) -> None:
        args = {
            k: p[k]
            for k in (
                "Policies",
                "Schema",
                "AutoVerifiedAttributes",
                "UsernameConfiguration",
                "AdminCreateUserConfig",
                "AccountRecoverySetting",
                "UsernameAttributes",
            )
            if k in p
        }
        pool = self.client("cognito-idp").create_user_pool(PoolName=p["UserPoolName"], **args)
        pool_id = pool["UserPool"]["Id"]
        self.state.refs[name] = pool_id
        self.state.attributes[(name, "Arn")] = pool["UserPool"]["Arn"]
        self.state.attributes[(name, "ProviderURL")] = (
            f"cognito-idp.{self.state.region}.amazonaws.com/{pool_id}"
        )

    def _user_pool_client(self, name: str, p: dict[str, Any]) -> None:
        args = {
            k: p[k]
            for k in (
                "ExplicitAuthFlows",
                "GenerateSecret",
                "ReadAttributes",
                "WriteAttributes",
                "PreventUserExistenceErrors",
                "IdTokenValidity",
                "AccessTokenValidity",
                "RefreshTokenValidity",
                "TokenValidityUnits",
            )
            if k in p
        }
        created = self.client("cognito-idp").create_user_pool_client(
            UserPoolId=p["UserPoolId"], ClientName=p["ClientName"], **args
        )
        self.state.refs[name] = created["UserPoolClient"]["ClientId"]

    def _user_pool_group(self, name: str, p: dict[str, Any]) -> None:
        args = {k: p[k] for k in ("Description", "Precedence") if k in p}
        self.client("cognito-idp").create_group(
            UserPoolId=p["UserPoolId"], GroupName=p["GroupName"], **args
        )
        self.state.refs[name] = p["GroupName"]


def extra_roots(value: str | None) -> list[Path]:
    """The declaration roots named by EXTRA_DECLARATIONS (os.pathsep-separated), absolute."""
    return [Path(part).resolve() for part in (value or "").split(os.pathsep) if part.strip()]
