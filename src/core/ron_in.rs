//! Reading a large annotation file on two threads.
//!
//! A file laid out the way marginote writes it (see [`ron_out`](super::ron_out))
//! has one annotation per block, each ending with a line that is exactly
//! `        ),`: RON escapes line breaks inside strings, so that line can only
//! close a block. Such a file is cut there and the halves are parsed in
//! parallel. Anything else — a hand-edited layout, CRLF line ends, a block
//! that does not parse — is left to the ordinary parser, which also gives
//! the error's line and column.

use super::annotation::{Annotation, Context, Id, Kind, More, Speaker, Status};
use super::store::AnnotationFile;

/// Annotations from which the split is worth a thread.
const PARALLEL_FROM: usize = 1000;

const LIST_OPEN: &str = "\n    annotations: [\n";
const LIST_CLOSE: &str = "    ],\n)";
const BLOCK_END: &str = "\n        ),\n";

/// The file parsed in parallel, or `None` when it is small or not laid out
/// as marginote writes it (parse it the ordinary way then).
pub fn parse(text: &str) -> Option<AnnotationFile> {
    let open = text.find(LIST_OPEN)?;
    let list_start = open + LIST_OPEN.len();
    let close = text.rfind(LIST_CLOSE)?;
    if close < list_start || !text[close + LIST_CLOSE.len()..].trim().is_empty() {
        return None;
    }
    let blocks = split_blocks(&text[list_start..close])?;
    if blocks.len() < PARALLEL_FROM {
        return None;
    }
    let header = format!("{}\n    annotations: [],\n)", &text[..open]);
    let mut file: AnnotationFile = ron::from_str(&header).ok()?;
    let (first, second) = blocks.split_at(blocks.len() / 2);
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| parse_blocks(second));
        (parse_blocks(first), other.join().ok().flatten())
    });
    let (mut annotations, b) = (a?, b?);
    // Exactly: a doubled capacity would be 3,000 unused annotations' room
    // (344 bytes each) for a file of 5,000.
    annotations.reserve_exact(b.len());
    annotations.extend(b);
    file.annotations = annotations;
    Some(file)
}

/// The blocks of the list, each without its trailing comma; `None` when the
/// list does not end with a block.
fn split_blocks(list: &str) -> Option<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut rest = list;
    while !rest.is_empty() {
        let end = rest.find(BLOCK_END)?;
        // The block is everything up to and including its closing parenthesis.
        blocks.push(&rest[..end + BLOCK_END.len() - 2]);
        rest = &rest[end + BLOCK_END.len()..];
    }
    Some(blocks)
}

fn parse_blocks(blocks: &[&str]) -> Option<Vec<Annotation>> {
    blocks.iter().map(|b| block(b)).collect()
}

/// One block as [`ron_out`](super::ron_out) writes it, read line by line;
/// `None` at the first thing that is not exactly that (the caller then
/// falls back to `ron`).
fn block(text: &str) -> Option<Annotation> {
    let mut lines = text.split('\n');
    let mut next = || lines.next();

    if next()? != "        (" {
        return None;
    }
    let id: Id = short(field(next(), "id")?)?;
    let kind_line = next()?.strip_prefix("            kind: ")?;
    let kind = match kind_line {
        "Quote(" => {
            let v = next()?.strip_prefix("                speaker: ")?.strip_suffix(',')?;
            let speaker = match v {
                "None" => None,
                _ => {
                    let inner = v.strip_prefix("Some(")?.strip_suffix(')')?;
                    if let Some(e) = inner.strip_prefix("Entity(") {
                        Some(Speaker::Entity(string(e.strip_suffix(')')?)?))
                    } else {
                        Some(Speaker::Text(string(inner.strip_prefix("Text(")?.strip_suffix(')')?)?))
                    }
                }
            };
            (next()? == "            ),").then_some(())?;
            Kind::Quote { speaker }
        }
        "Statistic(" => {
            let v = next()?.strip_prefix("                value: ")?.strip_suffix(',')?;
            let value = match v {
                "None" => None,
                _ => Some(v.strip_prefix("Some(")?.strip_suffix(')')?.parse::<f64>().ok()?),
            };
            let u = next()?.strip_prefix("                unit: ")?.strip_suffix(',')?;
            let unit = optional(u)?;
            (next()? == "            ),").then_some(())?;
            Kind::Statistic { value, unit }
        }
        other => Kind::Entity(short(other.strip_prefix("Entity(")?.strip_suffix("),")?)?),
    };
    let start = field(next(), "start")?.parse().ok()?;
    let end = field(next(), "end")?.parse().ok()?;
    let exact = short(field(next(), "exact")?)?;
    let prefix = string(field(next(), "prefix")?)?;
    let suffix = string(field(next(), "suffix")?)?;
    let note = optional(field(next(), "note")?)?;
    let source = optional(field(next(), "source")?)?;
    let status = match field(next(), "status")? {
        "Unreviewed" => Status::Unreviewed,
        "Verified" => Status::Verified,
        "Disputed" => Status::Disputed,
        "NeedsSource" => Status::NeedsSource,
        other => Status::Other(string(other.strip_prefix("Other(")?.strip_suffix(')')?)?),
    };
    let author = short(field(next(), "author")?)?;
    let created = short(field(next(), "created")?)?;
    let modified = short(field(next(), "modified")?)?;
    if next()? != "        )" || next().is_some() {
        return None;
    }
    Some(Annotation {
        id,
        kind,
        start,
        end,
        exact,
        context: Context::from_parts(prefix, &suffix),
        status,
        author,
        created,
        modified,
        more: More::of(Vec::new(), None, note, source),
    })
}

/// The value of the line `            name: value,`.
fn field<'a>(line: Option<&'a str>, name: &str) -> Option<&'a str> {
    line?.strip_prefix("            ")?.strip_prefix(name)?.strip_prefix(": ")?.strip_suffix(',')
}

/// `None` or `Some("…")`; the outer `None` when it is neither.
fn optional(v: &str) -> Option<Option<String>> {
    match v {
        "None" => Some(None),
        _ => Some(Some(string(v.strip_prefix("Some(")?.strip_suffix(')')?)?)),
    }
}

/// [`string`] as a type that keeps short text inline ([`Id`], and
/// `CompactString` for [`Annotation`]'s short fields): plain text goes in
/// without a `String` between.
fn short<T: for<'a> From<&'a str> + From<String>>(v: &str) -> Option<T> {
    match v.strip_prefix('"')?.strip_suffix('"')? {
        plain if !plain.contains(['\\', '"']) => Some(T::from(plain)),
        _ => string(v).map(T::from),
    }
}

/// A quoted string with the escapes `char::escape_debug` writes; `None`
/// for anything else (the whole value must be the one string).
fn string(v: &str) -> Option<String> {
    let body = v.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(['\\', '"']) {
        out.push_str(&rest[..i]);
        let mut chars = rest[i..].chars();
        if chars.next()? == '"' {
            return None;
        }
        let c = match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '0' => '\0',
            c @ ('\\' | '"' | '\'') => c,
            'u' => {
                let hex = chars.as_str().strip_prefix('{')?;
                let close = hex.find('}')?;
                let c = char::from_u32(u32::from_str_radix(&hex[..close], 16).ok()?)?;
                rest = &hex[close + 1..];
                out.push(c);
                continue;
            }
            _ => return None,
        };
        out.push(c);
        rest = chars.as_str();
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Kind, Stamp};
    use crate::core::numbers::NumberConvention;
    use crate::core::text::Article;
    use std::path::Path;

    fn big_file(n: usize) -> AnnotationFile {
        let text =
            "Kata \"kami\" tidak\t setuju 🙂\r\n ),\n        ), baris e\u{301} 12,5 persen. ".repeat(50);
        let art = Article::from_text(text.as_str());
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::DotThousands);
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        for i in 0..n {
            let at = (i * 7) % (text.len() - 40);
            let at = art.floor_char_boundary(at);
            let end = art.floor_char_boundary(at + 30);
            let kind = if i % 2 == 0 { Kind::Quote { speaker: None } } else { Kind::Entity("Person".into()) };
            let mut a = Annotation::new(&art, at..end, kind, &stamp);
            a.set_note((i % 5 == 0).then(|| "a note\n        ),\nthat looks like a block end".into()));
            file.annotations.push(a);
        }
        file
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn strings_read_back_as_written(s in proptest::prelude::any::<String>()) {
            let mut written = String::new();
            for c in s.chars() {
                written.extend(c.escape_debug());
            }
            proptest::prop_assert_eq!(string(&format!("\"{written}\"")), Some(s));
        }
    }

    #[test]
    fn every_kind_and_status_reads_back() {
        let mut file = big_file(PARALLEL_FROM + 1);
        let kinds = [
            Kind::Quote { speaker: None },
            Kind::Quote { speaker: Some(Speaker::Entity("01ABC".into())) },
            Kind::Quote { speaker: Some(Speaker::Text("juru \\ \"bicara\")".into())) },
            Kind::Entity("Org) (x".into()),
            Kind::Statistic { value: None, unit: None },
            Kind::Statistic { value: Some(1e300), unit: Some("%)".into()) },
            Kind::Statistic { value: Some(-0.000_001), unit: None },
            Kind::Statistic { value: Some(f64::NAN), unit: None },
        ];
        let statuses = [
            Status::Unreviewed,
            Status::Verified,
            Status::Disputed,
            Status::NeedsSource,
            Status::Other("x) (".into()),
        ];
        for (i, a) in file.annotations.iter_mut().enumerate() {
            a.kind = kinds[i % kinds.len()].clone();
            a.status = statuses[i % statuses.len()].clone();
            a.set_source((i % 3 == 0).then(|| "https://example.org/?a=\"b\"".into()));
        }
        let ron = file.to_ron();
        let back = parse(&ron).expect("read by the fast path");
        // NaN is not equal to itself: compare the text written back.
        assert_eq!(back.to_ron(), ron);
        let by_ron: AnnotationFile = ron::from_str(&ron).unwrap();
        assert_eq!(by_ron.to_ron(), ron);
    }

    #[test]
    fn short_texts_are_kept_inline_by_both_parsers() {
        let mut file = big_file(PARALLEL_FROM + 1);
        for (i, a) in file.annotations.iter_mut().enumerate() {
            a.author = "editor".into();
            a.created = "2026-11-28T10:15:00Z".into();
            a.modified = "2026-11-28T10:16:00Z".into();
            a.exact = if i % 2 == 0 { "\"Kata\" 12,5" } else { "Nick Clegg" }.into();
            if i % 3 == 0 {
                a.kind = Kind::Entity("Organization".into());
            }
        }
        let ron = file.to_ron();
        let fast = parse(&ron).expect("read by the fast path");
        let ordinary =
            AnnotationFile::from_ron(ron.replace('\n', "\r\n").as_bytes(), Path::new("x")).unwrap();
        for parsed in [fast, ordinary] {
            assert_eq!(parsed, file);
            for a in &parsed.annotations {
                let entity_type = match &a.kind {
                    Kind::Entity(t) => t,
                    _ => &a.author,
                };
                let fields = [&a.author, &a.created, &a.modified, &a.exact, entity_type];
                assert!(fields.iter().all(|s| !s.is_heap_allocated()), "{fields:?}");
            }
        }
    }

    #[test]
    fn a_large_file_parses_in_parallel_to_the_same_annotations() {
        let mut file = big_file(PARALLEL_FROM + 11);
        file.rejected =
            vec![crate::core::store::Rejected { exact: "Foto".into(), kind: "entity".into(), start: None }];
        let ron = file.to_ron();
        let parsed = parse(&ron).unwrap();
        assert_eq!(parsed, file);
        assert_eq!(parsed.annotations.capacity(), file.annotations.len(), "no room left over");
        assert_eq!(AnnotationFile::from_ron(ron.as_bytes(), Path::new("x")).unwrap(), file);
        let ordinary =
            AnnotationFile::from_ron(ron.replace('\n', "\r\n").as_bytes(), Path::new("x")).unwrap();
        assert_eq!(ordinary.annotations.capacity(), file.annotations.len(), "none from `ron` either");
    }

    #[test]
    fn other_layouts_and_small_files_are_left_to_the_ordinary_parser() {
        let file = big_file(PARALLEL_FROM + 11);
        let ron = file.to_ron();
        assert!(parse(&big_file(10).to_ron()).is_none(), "small");
        assert!(parse(&ron.replace('\n', "\r\n")).is_none(), "CRLF");
        let edited = ron.replacen("\n        ),\n", "\n        ) ,\n", 1);
        assert!(parse(&edited).is_none(), "a block closed another way");
        assert_eq!(AnnotationFile::from_ron(edited.as_bytes(), Path::new("x")).unwrap(), file);
        let broken = ron.replacen("start: ", "start: x", 1);
        assert!(parse(&broken).is_none(), "a block that does not parse");
        let err = AnnotationFile::from_ron(broken.as_bytes(), Path::new("x")).unwrap_err();
        assert_eq!(err.line, ron[..ron.find("start: ").unwrap()].lines().count(), "{err}");
        // The ordinary parser still reads the other layouts.
        let crlf = ron.replace('\n', "\r\n");
        assert_eq!(AnnotationFile::from_ron(crlf.as_bytes(), Path::new("x")).unwrap(), file);
    }
}
