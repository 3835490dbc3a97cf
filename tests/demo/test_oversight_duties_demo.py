"""The demo of 篇三's counted training round and 篇五's department evaluators."""

from linli.oversight import training
from linli.oversight.demo_training import MAKE_UP_DAY
from linli.oversight.models import DepartmentScore, TrainingAttendance


def test_the_police_evaluator_scores_only_the_police_category(signed_in, demo):
    client = signed_in("police")
    assert client.get("/").url == "/oversight/department/"
    scored = DepartmentScore.objects.get(department__name="兰山公安分局")
    page = client.get(f"/oversight/department/inspections/{scored.inspection_id}/").content.decode()
    assert f'data-category="{scored.category}"' in page and page.count("data-category=") == 1
    assert "消防与设施设备安全" not in page.split("各部门评分")[0]


def test_the_make_up_session_after_31_august_leaves_its_attendees_untrained(signed_in, demo):
    row = training.coverage(demo.company, MAKE_UP_DAY.year)
    late = {a.staff for a in TrainingAttendance.objects.filter(session__held_on=MAKE_UP_DAY)}
    assert late and late <= set(row["untrained"])
    assert 0 < row["trained"] < row["total"]
    page = signed_in("manager").get(f"/oversight/my/training/?year={MAKE_UP_DAY.year}").content.decode()
    assert f"{row['rate']}%" in page and all(s.name in page for s in late)
