"""The Celery app's configuration: safe sending on every broker, embedded defaults without a server."""

from __future__ import annotations

from pathlib import Path

from distributor.config import load_settings
from distributor.tasks.app import TASK_TIME_LIMIT, create_celery_app


def test_sending_is_safe_against_lost_workers_and_foreign_content(tmp_path: Path) -> None:
    app = create_celery_app(load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)}))
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == conf.result_serializer == "json"
    assert conf.accept_content == conf.result_accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit == TASK_TIME_LIMIT
    assert str(app.timezone) == "UTC"
    assert conf.enable_utc is True


def test_redis_redelivers_only_after_any_task_has_been_killed(tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/0"
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path), "DISTRIBUTOR_BROKER_URL": url})
    conf = create_celery_app(settings).conf
    assert conf.broker_url == conf.result_backend == url
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.worker_enable_remote_control is True


def test_embedded_broker_is_one_folder_in_the_data_dir_without_remote_control(
    tmp_path: Path,
) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)})
    conf = create_celery_app(settings).conf
    options = conf.broker_transport_options
    assert conf.broker_url.startswith("filesystem://")
    assert options["data_folder_in"] == options["data_folder_out"]
    assert Path(options["data_folder_in"]).is_dir()
    assert Path(options["control_folder"]).is_dir()
    assert Path(options["data_folder_in"]).is_relative_to(tmp_path)
    assert conf.result_backend == f"db+sqlite:///{tmp_path / 'celery-results.sqlite3'}"
    assert conf.beat_schedule_filename == str(tmp_path / "celerybeat-schedule")
    assert conf.worker_enable_remote_control is False


def test_building_the_app_touches_nothing_until_it_is_used(tmp_path: Path) -> None:
    app = create_celery_app(load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")}))
    assert not (tmp_path / "data").exists()
    assert app.conf.broker_url
    assert (tmp_path / "data" / "broker").is_dir()


def test_only_the_health_ping_keeps_its_result(tmp_path: Path) -> None:
    # Imported here: pytest would evaluate the lazy task while collecting, configuring
    # the app from the environment before the test's settings are in place.
    from distributor.tasks.health import ping

    conf = create_celery_app(load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path)})).conf
    assert conf.task_ignore_result is True
    assert ping.name == "distributor.ping"
    assert ping.ignore_result is False
