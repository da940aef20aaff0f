from pathlib import Path

from core.staticfinders import VendorFinder


def test_it_finds_plotly_in_the_installed_package():
    path = VendorFinder().find("vendor/plotly.min.js")
    assert path and Path(path).name == "plotly.min.js"
    assert "package_data" in path


def test_it_finds_nothing_outside_its_prefix():
    finder = VendorFinder()
    assert finder.find("plotly.min.js") == []
    assert finder.find("vendor/missing.js", find_all=True) == []


def test_it_lists_the_files_for_collectstatic():
    listed = [(path, storage.prefix) for path, storage in VendorFinder().list([])]
    assert listed == [("plotly.min.js", "vendor")]


def test_it_reports_no_problems():
    assert VendorFinder().check() == []
