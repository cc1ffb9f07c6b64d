"""Italian is the source language: fill every empty msgstr of the Italian catalogue with its msgid.

Only entries whose msgstr is empty are touched, so a deliberate Italian rewording is kept.
"""

import re
import sys

ENTRY = re.compile(
    r'(?P<head>(?:^#.*\n)*)(?P<ctx>^msgctxt .*\n(?:^".*"\n)*)?'
    r"(?P<id>^msgid .*\n(?:^\".*\"\n)*)(?P<plural>^msgid_plural .*\n(?:^\".*\"\n)*)?"
    r"(?P<strs>(?:^msgstr(?:\[\d\])? .*\n(?:^\".*\"\n)*)+)",
    re.M,
)


def fill(text: str) -> str:
    def replace(match: re.Match) -> str:
        msgid = match["id"][len("msgid ") :]
        if match["id"] == 'msgid ""\n':
            return match[0]  # the header entry
        strs = match["strs"]
        if match["plural"]:
            plural = match["plural"][len("msgid_plural ") :]
            if re.fullmatch(r'msgstr\[0\] ""\nmsgstr\[1\] ""\n', strs):
                strs = f"msgstr[0] {msgid}msgstr[1] {plural}"
        elif strs == 'msgstr ""\n':
            strs = f"msgstr {msgid}"
        head = match["head"].replace("#, fuzzy\n", "")
        return f"{head}{match['ctx'] or ''}{match['id']}{match['plural'] or ''}{strs}"

    return ENTRY.sub(replace, text)


if __name__ == "__main__":
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        content = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(fill(content))
