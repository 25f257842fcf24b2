"""The GB/T 9704 page in twips, and the face names Chinese offices have installed."""

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
HEADER_DISTANCE = mm(15)
FOOTER_DISTANCE = mm(20)
TYPE_AREA_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LINE_PITCH = 579  # twips: 22 lines fill the 225 mm type area
BODY_SIZE = 16  # pt, 三号
# GB/T 9704 wants 28 characters a line in the 156 mm type area: 315.9 twips each, narrower than a
# 16 pt character (320). Word reaches 28 with a lines-and-characters grid, but LibreOffice draws
# every character over two cells of such a grid. Condensing the body text by a quarter point
# (w:spacing -5 twentieths) gives 28 full-width characters of 315 twips in both, on a lines-only grid.
CONDENSE = -5
CHAR = BODY_SIZE * 20 + CONDENSE  # one body character's advance in twips

# The face names Chinese offices have installed (GB/T 9704 practice: official names, not file names).
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
RED = "FF0000"
