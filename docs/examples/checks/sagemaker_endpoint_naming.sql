/*---
id: sagemaker_endpoint_naming
title: SageMaker endpoints are named <model>-<environment>
severity: low
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
requires: [sagemaker_deployments]
description: >
  An example of a check of your own (copy it into the folder your configuration's checks_dir names). Every
  endpoint in the SageMaker snapshot must be named <model>-<environment>, the environment one of prod, staging or
  dev, so that an endpoint's purpose can be read from its name in CloudTrail and in the bill. One row per endpoint.
remediation: >
  Create the endpoint again under a conforming name and move its traffic, or record the exception.
---*/
select distinct
    endpoint_name as resource,
    case when regexp_full_match(endpoint_name, '[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)') then 'pass' else 'fail' end
        as status,
    case when regexp_full_match(endpoint_name, '[a-z0-9]+(-[a-z0-9]+)*-(prod|staging|dev)')
         then format('Endpoint {} in account {} ({}) is named <model>-<environment>.', endpoint_name, account_id, region)
         else format('Endpoint {} in account {} ({}) does not end in -prod, -staging or -dev.', endpoint_name,
                     account_id, region)
    end as reason,
    account_id,
    region,
    endpoint_name
from sagemaker_deployments
order by endpoint_name
