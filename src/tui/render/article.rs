//! The article pane as styled lines: a pure function of the model.

use std::ops::Range;
use std::rc::Rc;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::core::annotation::Kind;
use crate::core::viewport::Viewport;
use crate::core::wrap::{Row, has_rtl, simple_char};

use super::super::model::{Focus, Model};
use super::super::theme::{Role, Theme};

/// The article pane's lines and where the terminal cursor goes (column, row
/// inside the pane). A row drawn from the same inputs as last frame's is
/// the same `Rc` (see [`Kept`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFrame {
    pub lines: Vec<Rc<Line<'static>>>,
    pub cursor: Option<(u16, u16)>,
}

/// An annotation on screen: its bytes, how it looks, and whether it is the
/// one selected in the sidebar.
#[derive(Debug, Clone, PartialEq)]
struct Mark {
    bytes: Range<usize>,
    style: Style,
    selected: bool,
}

/// The style of a kind: the theme's colours plus a modifier the theme cannot
/// take away, so kinds differ by more than colour in every theme.
pub fn kind_style(theme: &Theme, kind: &Kind) -> Style {
    match kind {
        Kind::Quote { .. } => theme.style(Role::AnnotationQuote).add_modifier(Modifier::ITALIC),
        Kind::Entity(_) => theme.style(Role::AnnotationEntity).add_modifier(Modifier::UNDERLINED),
        Kind::Statistic { .. } => theme.style(Role::AnnotationStatistic).add_modifier(Modifier::BOLD),
    }
}

/// [`kind_style`] in the colour the schema gives an entity's type, if any.
pub fn mark_style(m: &Model, theme: &Theme, kind: &Kind) -> Style {
    let own = kind.entity_type().and_then(|t| m.schema.entity_type(t));
    super::super::theme::in_type_colour(kind_style(theme, kind), own)
}

/// The marks that touch `region`, into `marks` (emptied first).
fn marks_in(m: &Model, theme: &Theme, region: Range<usize>, marks: &mut Vec<Mark>) {
    let art = &m.doc.article;
    let (cs, ce) = (art.byte_to_char(region.start), art.byte_to_char(region.end));
    let list = m.doc.annotations();
    let selected = m.selected.as_deref();
    // Annotations waiting for review are drawn where they landed (orphans
    // nowhere), never on whatever text now sits at their old offsets.
    // A discontinuous span (imported from brat) marks only its fragments.
    marks.clear();
    for a in &list[m.doc.around(cs..ce)] {
        if a.end < cs || a.end <= a.start || m.review.of(&a.id).is_some() || !m.shows(a) {
            continue;
        }
        let style = mark_style(m, theme, &a.kind);
        let selected = Some(a.id.as_str()) == selected;
        if a.fragments().is_empty() {
            marks.push(Mark { bytes: a.bytes(art), style, selected });
        } else {
            for &(s, e) in a.fragments() {
                marks.push(Mark { bytes: art.char_range_to_bytes(s, e), style, selected });
            }
        }
    }
    // Suggestions, dimmed, under the annotations (which patch over them).
    let style = theme.style(Role::AnnotationSuggested);
    m.pending
        .each_overlapping(region.clone(), |s| marks.push(Mark { bytes: s.bytes(), style, selected: false }));
    for p in m.review.overlapping(region) {
        let (Some(bytes), Some(i)) = (p.placement.bytes.clone(), m.doc.index_of(&p.id)) else { continue };
        marks.push(Mark {
            bytes,
            style: mark_style(m, theme, &list[i].kind),
            selected: Some(p.id.as_str()) == selected,
        });
    }
}

/// What decides how one byte of the screen looks: the marks, search
/// matches and selection on screen.
struct Styler<'a> {
    theme: &'a Theme,
    base: Style,
    marks: &'a [Mark],
    matches: &'a [Range<usize>],
    selection: Option<Range<usize>>,
    /// The grapheme the "reviewed up to here" mark is on.
    reviewed: Option<Range<usize>>,
}

impl Styler<'_> {
    /// The style of the grapheme starting at byte `i`.
    fn at(&self, i: usize, control: bool) -> Style {
        let theme = self.theme;
        let mut style = self.base;
        for mk in self.marks.iter().filter(|k| k.bytes.start <= i && i < k.bytes.end) {
            style = style.patch(mk.style);
            if mk.selected {
                style = style.patch(theme.style(Role::AnnotationSelected));
            }
        }
        if self.matches.iter().any(|r| r.start <= i && i < r.end) {
            style = style.patch(theme.style(Role::SearchMatch));
        }
        if self.selection.as_ref().is_some_and(|r| r.start <= i && i < r.end) {
            style = style.patch(theme.style(Role::Selection));
        }
        if self.reviewed.as_ref().is_some_and(|r| r.start <= i && i < r.end) {
            style = style.patch(theme.style(Role::ArticleReviewed));
        }
        if control {
            style = style.patch(theme.style(Role::ArticleControl));
        }
        style
    }

    /// Where the style may change inside `row` (sorted, deduplicated, row
    /// start first): every start and end of a mark, match or selection in it.
    fn changes(&self, row: Range<usize>) -> Vec<usize> {
        let mut at = vec![row.start];
        let ranges = self
            .marks
            .iter()
            .map(|k| &k.bytes)
            .chain(self.matches)
            .chain(self.selection.as_ref())
            .chain(self.reviewed.as_ref());
        for r in ranges {
            at.extend([r.start, r.end].into_iter().filter(|b| row.start < *b && *b < row.end));
        }
        at.sort_unstable();
        at.dedup();
        at
    }
}

/// A row of [`simple_char`]s in a left-to-right line: one cell per
/// character, so its spans are slices of the text cut where the style
/// changes, with no grapheme, width or bidi work.
fn simple_row(text: &str, row: Range<usize>, styler: &Styler) -> Line<'static> {
    if row.is_empty() {
        return Line::default();
    }
    let cuts = styler.changes(row.clone());
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(cuts.len());
    for (k, &from) in cuts.iter().enumerate() {
        let to = cuts.get(k + 1).copied().unwrap_or(row.end);
        let style = styler.at(from, false);
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(&text[from..to]),
            _ => spans.push(Span::styled(text[from..to].to_owned(), style)),
        }
    }
    Line::from(spans)
}

/// Any row, grapheme by grapheme as laid out (wide characters, tabs,
/// control pictures, right-to-left runs), and the column of the grapheme at
/// byte `cursor` if it is in the row.
fn laid_out_row(
    view: &Viewport,
    row: Row,
    styler: &Styler,
    cursor: Option<usize>,
) -> (Line<'static>, Option<u16>) {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut col = 0;
    let mut cursor_col = None;
    let mut run = String::new();
    let mut run_style = styler.base;
    for placed in view.layout(row) {
        let i = placed.byte;
        if placed.col > col {
            run.push_str(&" ".repeat(placed.col - col));
            col = placed.col;
        }
        if Some(i) == cursor {
            cursor_col = Some(col as u16);
        }
        let style = styler.at(i, placed.cell.control);
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push_str(&placed.cell.symbol);
        col += placed.cell.width;
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    (Line::from(spans), cursor_col)
}

/// What a row's line is drawn from: the document (whose revision no other
/// document's list ever has: its text), the row, the width, and the marks,
/// matches, selection, reviewed mark and styles that touch the row (the
/// ranges cut to it).
#[derive(Debug, Clone)]
struct RowKey {
    doc: u64,
    row: Row,
    width: usize,
    /// Where in [`Kept::marks`] the row's marks are.
    marks: Range<usize>,
    matches: Vec<Range<usize>>,
    selection: Option<Range<usize>>,
    reviewed: Option<Range<usize>>,
    styles: [Style; 6],
}

/// A row's line as last drawn, with what it was drawn from.
#[derive(Debug)]
struct KeptRow {
    key: RowKey,
    /// Whether the row went through [`simple_row`].
    simple: bool,
    line: Rc<Line<'static>>,
}

/// The last frame's rows, kept from one frame to the next: after a
/// one-line scroll or a cursor move, most rows are drawn from the same
/// inputs as before, and their lines are shared, not drawn or copied again
/// (nor freed: a frame's hundreds of small frees made the allocator tidy up
/// at the next frame's first large allocation, a sixth of a compose).
///
/// The lists a frame works in are kept here too, emptied, for their room:
/// made anew, each grew by doubling, and glibc tidied the small blocks the
/// frame before freed at the first growth large enough (a PageDown's marks
/// were 10-25 µs of a key's 150 in the app, the lists all at once 30).
#[derive(Debug, Default)]
pub struct Kept {
    /// Each `Some`; a row is taken out when the next frame reuses it.
    rows: Vec<Option<KeptRow>>,
    /// The rows' marks, one after the other (a list each was an allocation
    /// a row, and a PageDown makes every row anew).
    marks: Vec<Mark>,
    /// The frame before's marks, kept for their room.
    spare: Vec<Mark>,
    /// Room for the next frame's rows.
    spare_rows: Vec<Option<KeptRow>>,
    /// Where the frame before's rows start.
    starts: Vec<usize>,
    /// The marks on screen.
    page_marks: Vec<Mark>,
    /// The marks of one row.
    row_marks: Vec<Mark>,
}

/// `r` cut to `row`, if they meet: a row's styles only look inside it.
fn cut(r: &Option<Range<usize>>, row: Row) -> Option<Range<usize>> {
    let r = r.as_ref()?;
    let (s, e) = (r.start.max(row.start), r.end.min(row.end));
    (s < e).then_some(s..e)
}

/// Build the visible lines of the article.
pub fn article_frame(m: &Model, theme: &Theme) -> ArticleFrame {
    article_frame_with(m, theme, &mut Kept::default())
}

/// [`article_frame`], taking from `kept` the rows drawn from the same
/// inputs last time, and leaving this frame's rows there.
pub fn article_frame_with(m: &Model, theme: &Theme, kept: &mut Kept) -> ArticleFrame {
    let mut before = std::mem::replace(&mut kept.rows, std::mem::take(&mut kept.spare_rows));
    // In text order, as rows are drawn.
    let mut starts = std::mem::take(&mut kept.starts);
    starts.clear();
    starts.extend(before.iter().flatten().map(|b| b.key.row.start));
    let spare = std::mem::take(&mut kept.spare);
    let before_marks = std::mem::replace(&mut kept.marks, spare);
    kept.marks.clear();
    let rows = m.visible_rows();
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return ArticleFrame { lines: Vec::new(), cursor: None };
    };
    // Matches are in text order and do not overlap: the visible ones by binary search.
    let lo = m.matches.partition_point(|r| r.end <= first.start);
    let hi = m.matches.partition_point(|r| r.start < last.end);
    let mut marks = std::mem::take(&mut kept.page_marks);
    marks_in(m, theme, first.start..last.end, &mut marks);
    let matches: Vec<Range<usize>> = m.matches.range(lo..hi.max(lo)).collect();
    let selection = m.selection();
    let reviewed = m.reviewed_upto.filter(|&b| b < m.doc.article.len()).map(|b| {
        let b = crate::core::motion::snap(&m.doc.article, b);
        b..crate::core::motion::grapheme_end(&m.doc.article, b)
    });
    // A page of a book can hold hundreds of marks (suggestions are found
    // for every mention of a tagged name): each row looks only at its own.
    let mut row_marks = std::mem::take(&mut kept.row_marks);
    let show_cursor = m.focus == Focus::Article;
    let mut cursor = None;
    let mut lines = Vec::with_capacity(rows.len());
    let view = m.viewport();
    let text = m.doc.article.text();
    let doc = m.doc.revision();
    let styles = [
        Role::ArticleText,
        Role::AnnotationSelected,
        Role::SearchMatch,
        Role::Selection,
        Role::ArticleReviewed,
        Role::ArticleControl,
    ]
    .map(|r| theme.style(r));
    // Whether the line of the row before is right-to-left, by line index.
    let mut rtl_line = (usize::MAX, false);
    for (y, row) in rows.iter().enumerate() {
        row_marks.clear();
        row_marks
            .extend(marks.iter().filter(|k| k.bytes.start < row.end && k.bytes.end > row.start).cloned());
        // Outer spans first, so inner ones paint over them and both stay
        // visible: a row's marks sorted, as the page's would be (a stable
        // sort, then the row's; the page's hundreds of marks took a sort
        // with a heap buffer, 10-30 µs of a key on the 50 MB text).
        row_marks.sort_by_key(|k| std::cmp::Reverse(k.bytes.len()));
        let (lo, hi) =
            (matches.partition_point(|r| r.end <= row.start), matches.partition_point(|r| r.start < row.end));
        let row_matches = &matches[lo..hi.max(lo)];
        let (selection, reviewed) = (cut(&selection, *row), cut(&reviewed, *row));
        let cursor_here = show_cursor.then_some(m.cursor);
        if row.start == m.cursor && show_cursor {
            cursor = Some((0, y as u16));
        }
        let li = m.doc.article.line_of_near(row.start, rtl_line.0);
        if rtl_line.0 != li {
            rtl_line = (li, has_rtl(&text[m.doc.article.line_content(li)]));
        }
        let cursor_in_row = cursor_here.filter(|c| (row.start..row.end).contains(c));
        let same = |k: &RowKey| {
            k.doc == doc
                && k.row == *row
                && k.width == view.width
                && before_marks[k.marks.clone()] == row_marks[..]
                && k.matches == row_matches
                && k.selection == selection
                && k.reviewed == reviewed
                && k.styles == styles
        };
        let i = starts.partition_point(|&s| s < row.start);
        // A laid-out row under the cursor is drawn again for its column.
        let reused = before
            .get_mut(i)
            .filter(|b| b.as_ref().is_some_and(|b| same(&b.key) && (b.simple || cursor_in_row.is_none())))
            .and_then(Option::take);
        let (row_kept, col) = match reused {
            Some(mut k) => {
                let at = kept.marks.len();
                kept.marks.extend_from_slice(&before_marks[k.key.marks.clone()]);
                k.key.marks = at..kept.marks.len();
                (k, None)
            }
            None => {
                let styler = Styler {
                    theme,
                    base: styles[0],
                    marks: &row_marks,
                    matches: row_matches,
                    selection: selection.clone(),
                    reviewed: reviewed.clone(),
                };
                let simple = !rtl_line.1 && text[row.start..row.end].chars().all(simple_char);
                let (line, col) = if simple {
                    (simple_row(text, row.start..row.end, &styler), None)
                } else {
                    laid_out_row(&view, *row, &styler, cursor_here)
                };
                let key = RowKey {
                    doc,
                    row: *row,
                    width: view.width,
                    marks: kept.marks.len()..kept.marks.len() + row_marks.len(),
                    matches: row_matches.to_vec(),
                    selection,
                    reviewed,
                    styles,
                };
                kept.marks.extend_from_slice(&row_marks);
                (KeptRow { key, simple, line: Rc::new(line) }, col)
            }
        };
        let col = match (row_kept.simple, cursor_in_row) {
            (true, Some(c)) => Some(text[row.start..c].chars().count() as u16),
            _ => col,
        };
        if let Some(col) = col {
            cursor = Some((col, y as u16));
        }
        lines.push(Rc::clone(&row_kept.line));
        kept.rows.push(Some(row_kept));
    }
    kept.spare = before_marks;
    before.clear();
    (kept.spare_rows, kept.starts, kept.page_marks, kept.row_marks) = (before, starts, marks, row_marks);
    ArticleFrame { lines, cursor }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::Article;

    #[test]
    fn simple_rows_come_out_as_the_grapheme_path_lays_them_out() {
        let theme = Theme::builtin("dark").unwrap();
        let text = "“Well, Prince, so Genoa and Lucca are now just family estates of the Buonapartes. \
                    But I warn you—if you don’t tell me that this means war…” Anna Pávlovna Schérer.\n\nx  y   z";
        let art = Article::from_text(text);
        let view = Viewport::new(&art, 30);
        let at = |needle: &str| text.find(needle).unwrap();
        let mark = |r: Range<usize>, style: Style, selected: bool| Mark { bytes: r, style, selected };
        let styler = Styler {
            theme: &theme,
            base: theme.style(Role::ArticleText),
            marks: &[
                mark(at("Genoa")..at(" are"), theme.style(Role::AnnotationEntity), false),
                mark(at("Lucca")..at("Lucca") + 5, theme.style(Role::AnnotationStatistic), true),
                mark(at("Prince")..at("But") + 3, theme.style(Role::AnnotationQuote), false),
            ],
            matches: &[at("war")..at("war") + 3, at("y")..at("y") + 1],
            selection: Some(at("family")..at("Buonapartes") + 4),
            reviewed: Some(at("Lucca") + 2..at("Lucca") + 3),
        };
        let rows = view.rows_from(0, 100);
        assert!(rows.len() > 6);
        for row in rows {
            let (slow, _) = laid_out_row(&view, row, &styler, None);
            assert_eq!(
                simple_row(text, row.start..row.end, &styler),
                slow,
                "{:?}",
                &text[row.start..row.end]
            );
        }
    }
}
