from kb import clustering
from kb.segment import tokens

DUPLICATES = [
    "电子证照制作失败 提示模板未发布",
    "制作电子证照时提示模板未发布 无法制作",
    "电子证照模板未发布 制作失败",
    "事项认领后实施清单看不到",
    "认领事项后在实施清单里看不到",
    "好差评二维码在哪里生成",
]


def test_similar_tickets_form_groups_biggest_first():
    groups = clustering.similar_groups([tokens(t) for t in DUPLICATES])
    assert groups == [[0, 1, 2], [3, 4]]


def test_a_high_threshold_keeps_only_identical_wordings_together():
    documents = [tokens(t) for t in DUPLICATES]
    # 3 and 4 differ only in stop words and word order.
    assert clustering.similar_groups(documents, threshold=0.99) == [[3, 4]]


def test_cosine_of_a_text_with_itself_is_one():
    vector = clustering.tfidf_vectors([tokens(DUPLICATES[0]), tokens(DUPLICATES[3])])[0]
    assert abs(clustering.cosine(vector, vector) - 1.0) < 1e-9


def test_medoid_is_the_most_typical_member():
    documents = [["a", "b"], ["a", "b", "c"], ["a", "b", "d"], ["z"]]
    assert clustering.medoid([0, 1, 2], documents) == 0


def test_a_redone_group_keeps_the_key_of_the_group_it_continues():
    previous = {"a": {1, 2, 3}, "b": {4, 5}, "c": {6, 7, 8, 9}}
    groups = [
        {1, 2, 3, 10},  # grew: continues a
        {4, 11},  # holds only half of b: a new problem
        {6, 7},  # half of c is not more than half
        {8, 9, 12},  # neither, so c is gone
    ]
    assert clustering.carried_over(previous, groups) == {0: "a"}


def test_a_split_group_is_continued_by_its_larger_part_only():
    previous = {"a": {1, 2, 3, 4, 5}}
    assert clustering.carried_over(previous, [{1, 2}, {3, 4, 5}]) == {1: "a"}
    merged = clustering.carried_over({"a": {1, 2}, "b": {3, 4, 5}}, [{1, 2, 3, 4, 5}])
    assert merged == {0: "b"}
