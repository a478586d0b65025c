import posixpath

from hypothesis import given
from hypothesis import strategies as st

from wardsite import urls

# Folder and file names drawn from few letters, so that pages share folders often.
NAME = st.sampled_from(["phuong", "nam", "a", "ab", "2021", "trang", "nhiem-vu"])
FILE = st.sampled_from(["index.html", "bai.html", "a.html", "feed.xml"])
PATH = st.builds(lambda folders, name: "/".join([*folders, name]), st.lists(NAME, max_size=5), FILE)


@given(page=PATH, target=PATH)
def test_a_link_from_a_page_is_the_path_to_its_target_from_the_page_s_folder(page, target):
    assert urls.links_from(page)(target) == posixpath.relpath(target, posixpath.dirname(page) or ".")


@given(page=PATH, targets=st.lists(PATH, max_size=8), pretty=st.booleans())
def test_one_page_s_links_are_each_what_relative_gives(page, targets, pretty):
    link = urls.links_from(page, pretty)
    assert [link(t) for t in targets] == [urls.relative(t, page, pretty) for t in targets]


def test_pretty_links_name_the_folder_and_keep_the_fragment():
    link = urls.links_from("phuong/duc-giang/2021/giao-ban.html", pretty=True)
    assert link("phuong/duc-giang/2021/index.html") == "./"
    assert link("phuong/duc-giang/index.html") == "../"
    assert link("index.html") == "../../../"
    assert link("phuong/duc-giang/2021/hop.html#nhiem-vu-2") == "hop.html#nhiem-vu-2"
    assert urls.links_from("index.html", pretty=True)("index.html") == "./"
