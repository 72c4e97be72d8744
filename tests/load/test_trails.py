"""load/trails.py: one row per trail, read from its home region, with the status and selectors of that trail."""

from __future__ import annotations

from auditreport.load.trails import TrailsLoader

from .support import capture, load, rows, put

A, B = "111122223333", "444455556666"


def _trail(account: str, name: str, home: str, multi: bool) -> dict:
    return {"Name": name, "TrailARN": f"arn:aws:cloudtrail:{home}:{account}:trail/{name}", "HomeRegion": home,
            "IsMultiRegionTrail": multi, "IsOrganizationTrail": False, "LogFileValidationEnabled": multi,
            "IncludeGlobalServiceEvents": True, "S3BucketName": "trail-logs"}


def _estate(root):
    capture(root)
    org = _trail(A, "org-trail", "eu-west-1", True)
    local = _trail(A, "local-trail", "us-east-1", False)
    put(root, A, "eu-west-1", "cloudtrail", "DescribeTrails", {"trailList": [org]})
    put(root, A, "us-east-1", "cloudtrail", "DescribeTrails", {"trailList": [local, org]})  # org: a shadow trail
    # the home region's answers are the ones that count; a shadow region's copy says otherwise here, on purpose
    put(root, A, "eu-west-1", "cloudtrail", "GetTrailStatus", {"IsLogging": True,
        "LatestDeliveryTime": "2026-10-31T23:55:00+00:00"}, ident="org-trail")  # fmt: skip
    put(root, A, "us-east-1", "cloudtrail", "GetTrailStatus", {"IsLogging": False}, ident="org-trail")
    put(root, A, "eu-west-1", "cloudtrail", "GetEventSelectors", {"TrailARN": org["TrailARN"],
        "AdvancedEventSelectors": [{"Name": "management", "FieldSelectors": []}]}, ident="org-trail")  # fmt: skip
    put(root, A, "us-east-1", "cloudtrail", "GetEventSelectors", {"TrailARN": org["TrailARN"]}, ident="org-trail")
    put(root, A, "us-east-1", "cloudtrail", "GetEventSelectors", {"TrailARN": local["TrailARN"],
        "EventSelectors": [{"ReadWriteType": "WriteOnly"}]}, ident="local-trail")  # fmt: skip
    # no GetTrailStatus for local-trail: not captured
    # the same trail name in another account is another trail; its home region (ap-south-1) was not read
    put(root, B, "eu-west-1", "cloudtrail", "DescribeTrails", {"trailList": [_trail(B, "org-trail", "ap-south-1", True)]})
    put(root, B, "eu-west-1", "cloudtrail", "GetTrailStatus", {"IsLogging": True}, ident="org-trail")


def test_shadow_trails_collapse_to_one_row_per_trail_from_its_home_region(tmp_path, con, lake_root):
    _estate(tmp_path / "trails")
    load(TrailsLoader(), tmp_path / "trails", con, lake_root)
    got = rows(con, "SELECT account_id, trail_name, region, home_region, source_key FROM cloudtrail_trails "
                    "ORDER BY account_id, trail_name")
    assert got == [
        {"account_id": A, "trail_name": "local-trail", "region": "us-east-1", "home_region": "us-east-1",
         "source_key": f"{A}/us-east-1/cloudtrail/DescribeTrails.json"},
        {"account_id": A, "trail_name": "org-trail", "region": "eu-west-1", "home_region": "eu-west-1",
         "source_key": f"{A}/eu-west-1/cloudtrail/DescribeTrails.json"},
        {"account_id": B, "trail_name": "org-trail", "region": "ap-south-1", "home_region": "ap-south-1",
         "source_key": f"{B}/eu-west-1/cloudtrail/DescribeTrails.json"},
    ]


def test_status_and_selectors_are_matched_to_their_trail(tmp_path, con, lake_root):
    _estate(tmp_path / "trails")
    load(TrailsLoader(), tmp_path / "trails", con, lake_root)
    got = {(r["account_id"], r["trail_name"]): r for r in rows(con, """
        SELECT account_id, trail_name, is_logging, latest_delivery_time, is_multi_region_trail,
               log_file_validation_enabled, json_extract_string(advanced_event_selectors, '$[0].Name') AS adv,
               json_extract_string(event_selectors, '$[0].ReadWriteType') AS rw, event_selectors
        FROM cloudtrail_trails""")}
    org = got[(A, "org-trail")]
    assert org["is_logging"] is True and org["adv"] == "management" and org["event_selectors"] is None
    assert str(org["latest_delivery_time"]) == "2026-10-31 23:55:00"
    assert org["is_multi_region_trail"] is True and org["log_file_validation_enabled"] is True
    local = got[(A, "local-trail")]
    assert local["is_logging"] is None  # GetTrailStatus not captured: unknown, never "not logging"
    assert local["rw"] == "WriteOnly"
    # a trail whose home region was not read takes the status captured beside its listing
    assert got[(B, "org-trail")]["is_logging"] is True


def test_cloudwatch_logs_delivery_is_read_from_the_trail_and_its_status(tmp_path, con, lake_root):
    root = tmp_path / "trails"
    capture(root)
    sent = {**_trail(A, "sent", "eu-west-1", True),
            "CloudWatchLogsLogGroupArn": f"arn:aws:logs:eu-west-1:{A}:log-group:/aws/cloudtrail/sent:*",
            "CloudWatchLogsRoleArn": f"arn:aws:iam::{A}:role/cloudtrail-to-cloudwatch"}
    put(root, A, "eu-west-1", "cloudtrail", "DescribeTrails", {"trailList": [sent, _trail(A, "plain", "eu-west-1", True)]})
    put(root, A, "eu-west-1", "cloudtrail", "GetTrailStatus", {"IsLogging": True,
        "LatestCloudWatchLogsDeliveryTime": "2026-10-31T23:56:10+00:00",
        "LatestCloudWatchLogsDeliveryError": "AccessDeniedException"}, ident="sent")  # fmt: skip
    put(root, A, "eu-west-1", "cloudtrail", "GetTrailStatus", {"IsLogging": True}, ident="plain")
    load(TrailsLoader(), root, con, lake_root)
    got = {r["trail_name"]: r for r in rows(con, """
        SELECT trail_name, cloud_watch_logs_log_group_arn, cloud_watch_logs_role_arn,
               latest_cloud_watch_logs_delivery_time, latest_cloud_watch_logs_delivery_error FROM cloudtrail_trails""")}
    assert got["sent"]["cloud_watch_logs_log_group_arn"] == sent["CloudWatchLogsLogGroupArn"]
    assert got["sent"]["cloud_watch_logs_role_arn"] == f"arn:aws:iam::{A}:role/cloudtrail-to-cloudwatch"
    assert str(got["sent"]["latest_cloud_watch_logs_delivery_time"]) == "2026-10-31 23:56:10"
    assert got["sent"]["latest_cloud_watch_logs_delivery_error"] == "AccessDeniedException"
    assert got["plain"] == {"trail_name": "plain", "cloud_watch_logs_log_group_arn": None,
                            "cloud_watch_logs_role_arn": None, "latest_cloud_watch_logs_delivery_time": None,
                            "latest_cloud_watch_logs_delivery_error": None}
