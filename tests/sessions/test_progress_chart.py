"""The worker's progress chart: plain SVG, escaped labels, gaps where a month has no score."""

from core.charts import line_chart_svg


def test_line_chart_svg_draws_each_series_and_escapes_text():
    svg = line_chart_svg(
        [("动员参与主体", [2.0, None, 3.5]), ("<script>", [1.0, 2.0, 3.0])],
        x_labels=["25.5", "25.6", "25.7"],
        y_min=1,
        y_max=5,
        title="我的能力",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>我的能力</title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    # The first series breaks at the missing month: two separate moves, no line across.
    first_path = svg.split('<path d="')[1].split('"')[0]
    assert first_path.count("M") == 2 and "L" not in first_path
