"""Renames found by similarity, as git finds them: the same content, or at least half the same lines."""

from sessions_app.renames import MIN_SIMILARITY, Side, find_renames

BODY = "".join(f"line {n}\n" for n in range(40))


def side(path: str, text: str) -> Side:
    return Side(path=path, digest=str(hash(text)), size=len(text.encode()), text=text)


def test_the_same_content_is_a_rename_at_100():
    [rename] = find_renames(deleted=[side("a/x.py", BODY)], added=[side("b/y.py", BODY)])
    assert (rename.old_path, rename.new_path, rename.similarity) == ("a/x.py", "b/y.py", 100)


def test_a_rename_with_edits_is_found_while_half_the_lines_are_shared():
    edited = BODY.replace("line 3\n", "three\n").replace("line 9\n", "")
    [rename] = find_renames(deleted=[side("old.py", BODY)], added=[side("new.py", edited)])
    assert rename.similarity == (200 * 38) // (40 + 39)
    unrelated = "".join(f"other {n}\n" for n in range(40))
    assert find_renames(deleted=[side("old.py", BODY)], added=[side("new.py", unrelated)]) == []
    # 20 lines shared of 40 and 41: 49%, just under git's threshold.
    just_under = "".join(f"line {n}\n" for n in range(20)) + "".join(f"new {n}\n" for n in range(21))
    assert MIN_SIMILARITY > (200 * 20) // (40 + 41)
    assert find_renames(deleted=[side("o", BODY)], added=[side("n", just_under)]) == []


def test_each_file_is_paired_once_best_first_and_by_its_own_name_on_a_tie():
    deleted = [side("src/util.py", BODY), side("lib/util.py", BODY)]
    added = [side("pkg/util.py", BODY), side("src/tools.py", BODY)]
    pairs = {(r.old_path, r.new_path) for r in find_renames(deleted=deleted, added=added)}
    assert pairs == {("lib/util.py", "pkg/util.py"), ("src/util.py", "src/tools.py")}


def test_binary_files_are_renamed_only_when_the_same():
    image = Side(path="a.png", digest="d1", size=100, text=None)
    assert find_renames(deleted=[image], added=[Side(path="b.png", digest="d1", size=100, text=None)])
    assert not find_renames(deleted=[image], added=[Side(path="b.png", digest="d2", size=100, text=None)])
