"""Italian is the source language: every msgstr of the Italian catalogue is its msgid.

makemessages leaves new entries empty, or fills them with a "fuzzy" guess taken from another
string; both are replaced here, so the catalogue always matches the source exactly.
"""

import re
import sys

ENTRY = re.compile(
    r"(?P<head>(?:^#.*\n)*)(?P<ctx>^msgctxt .*\n(?:^\".*\"\n)*)?"
    r"(?P<id>^msgid .*\n(?:^\".*\"\n)*)(?P<plural>^msgid_plural .*\n(?:^\".*\"\n)*)?"
    r"(?P<strs>(?:^msgstr(?:\[\d\])? .*\n(?:^\".*\"\n)*)+)",
    re.M,
)


def fill(text: str) -> str:
    def replace(match: re.Match) -> str:
        if match["id"] == 'msgid ""\n' and not match["ctx"]:
            return match[0]  # the header entry
        msgid = match["id"][len("msgid ") :]
        if match["plural"]:
            plural = match["plural"][len("msgid_plural ") :]
            strs = f"msgstr[0] {msgid}msgstr[1] {plural}"
        else:
            strs = f"msgstr {msgid}"
        head = re.sub(r"^#\| .*\n", "", match["head"], flags=re.M)
        head = re.sub(r"^#, fuzzy\n", "", head, flags=re.M)
        head = re.sub(r"^#, fuzzy, ", "#, ", head, flags=re.M)
        head = re.sub(r"^(#,.*), fuzzy", r"\1", head, flags=re.M)
        return f"{head}{match['ctx'] or ''}{match['id']}{match['plural'] or ''}{strs}"

    return ENTRY.sub(replace, text)


if __name__ == "__main__":
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        content = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(fill(content))
