#!/usr/bin/env python3
"""Moves the organizer pages' inline word pairs, t.s("English", "中文"), into the Fluent
resources locales/en/admin.ftl and locales/zh/admin.ftl, and rewrites each call as
t.t("key"). Run from the repository root; pairs already moved are kept, new ones appended.
A pair whose words are not plain string literals is left as it is (and reported)."""
import re, sys, pathlib

ROOT = pathlib.Path('.')
PAIR = re.compile(r'(\bt|self|ui|\))(\s*)\.s\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*,?\s*\)', re.S)

def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            if n == 'u' and s[i + 2:i + 3] == '{':
                j = s.index('}', i)
                out.append(chr(int(s[i + 3:j], 16)))
                i = j + 1
                continue
            out.append({'n': '\n', 't': '\t', '"': '"', '\\': '\\', "'": "'", '0': '\0'}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)

def ftl_value(v):
    special = (v != v.strip()) or v[:1] in '[*.' or any(ch in v for ch in '{}') or v == ''
    if special:
        return '{ "' + v.replace('\\', '\\\\').replace('"', '\\"') + '" }'
    return v

def read_ftl(path):
    entries = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line and not line.startswith(('#', ' ')) and ' = ' in line:
                k, v = line.split(' = ', 1)
                entries[k] = v
    return entries

def slug(en):
    words = re.sub(r'[^a-z0-9]+', '-', en.lower()).strip('-').split('-')
    key, out = '', []
    for w in words:
        if len('-'.join(out + [w])) > 36:
            break
        out.append(w)
    key = '-'.join(out) or 'words'
    if key[0].isdigit():
        key = 'n-' + key
    return key

def main():
    en_path, zh_path = ROOT / 'locales/en/admin.ftl', ROOT / 'locales/zh/admin.ftl'
    en, zh = read_ftl(en_path), read_ftl(zh_path)
    # One bundle per language holds every resource: a key of the visitor side is taken.
    taken = set(read_ftl(ROOT / 'locales/en/visitor.ftl'))
    by_pair = {(en[k], zh.get(k)): k for k in en}
    new = []
    files = [p for p in ROOT.glob('templates/*.html')] + [p for p in ROOT.glob('src/web/**/*.rs')]
    skipped = 0
    for path in files:
        text = path.read_text()
        def repl(m):
            nonlocal skipped
            who, space, e, z = m.group(1), m.group(2), unescape(m.group(3)), unescape(m.group(4))
            if who == 'self' and path.name == 'admin_ui.rs':
                skipped += 1
                return m.group(0)
            pair = (ftl_value(e), ftl_value(z))
            key = by_pair.get(pair)
            if key is None:
                key, n = slug(e), 2
                if key in taken:
                    key = 'admin-' + key
                base = key
                while key in en:
                    key = f'{base}-{n}'
                    n += 1
                en[key], zh[key] = pair
                by_pair[pair] = key
                new.append(key)
            return f'{who}{space}.t("{key}")'
        changed = PAIR.sub(repl, text)
        if changed != text:
            path.write_text(changed)
    header = {'en': '# The organizer pages\' words (dashboard, editor, people, audit, sign-in).\n# Every key must exist in every language; English is the reference.\n\n',
              'zh': '# 工作人员页面的文字。\n\n'}
    for path, table, lang in [(en_path, en, 'en'), (zh_path, zh, 'zh')]:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = ''.join(f'{k} = {v}\n' for k, v in table.items())
        path.write_text(header[lang] + body)
    print(f'{len(new)} new keys, {len(en)} in all; {skipped} left', file=sys.stderr)

main()
