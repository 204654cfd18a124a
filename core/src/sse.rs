//! An incremental Server-Sent Events decoder, per the WHATWG spec: LF, CR and CRLF line ends
//! (also split across chunks), a leading BOM, comments, `event` / `data` / `id` / `retry`
//! fields, multi-line `data` joined with `\n`, and a bound on line length.
//!
//! An event's data is a slice of the body's own buffer when its one `data:` line arrived in
//! one piece (the usual case), so decoding copies nothing; repeated `event:` names and ids
//! share one allocation.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` name, if one was given.
    pub event: Option<Arc<str>>,
    /// The data, always valid UTF-8 (invalid bytes are replaced, as the spec says).
    data: Bytes,
    pub id: Option<Arc<str>>,
    pub retry: Option<u64>,
}

impl SseEvent {
    /// An event with this name and data.
    pub fn new(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(Arc::from), data: Bytes::copy_from_slice(data.as_bytes()), id: None, retry: None }
    }

    /// The data, as text.
    pub fn data(&self) -> &str {
        // SAFETY: every constructor checks the bytes are UTF-8 (`utf8` below, or a `&str`).
        unsafe { std::str::from_utf8_unchecked(&self.data) }
    }

    /// The data, sharing the body's buffer.
    pub fn data_bytes(&self) -> &Bytes {
        &self.data
    }

    /// The `event:` name and the data (UTF-8), moved out.
    pub fn into_name_and_data(self) -> (Option<Arc<str>>, Bytes) {
        (self.event, self.data)
    }
}

/// The bytes as they are when they are UTF-8, else with invalid sequences replaced.
fn utf8(b: Bytes) -> Bytes {
    match std::str::from_utf8(&b) {
        Ok(_) => b,
        Err(_) => Bytes::from(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// A line (or an event's data) longer than the decoder's bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTooLong {
    pub limit: usize,
    /// The first bytes of the offending line.
    pub start: String,
}

/// The data of the event being read.
#[derive(Debug, Default)]
enum Data {
    #[default]
    None,
    /// One line, still in the chunk it came in.
    Shared(Bytes),
    /// Lines joined, or a line pieced together across chunks.
    Owned(Vec<u8>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::None => 0,
            Data::Shared(b) => b.len(),
            Data::Owned(v) => v.len(),
        }
    }

    /// Adds a line; `src` is the chunk the line lies in, when it lies in one.
    fn add(&mut self, value: &[u8], src: Option<&Bytes>) {
        match self {
            Data::None => {
                *self = match src {
                    Some(chunk) if !value.is_empty() => Data::Shared(chunk.slice_ref(value)),
                    _ => Data::Owned(value.to_vec()),
                }
            }
            Data::Shared(b) => {
                let mut v = Vec::with_capacity(b.len() + 1 + value.len());
                v.extend_from_slice(b);
                v.push(b'\n');
                v.extend_from_slice(value);
                *self = Data::Owned(v);
            }
            Data::Owned(v) => {
                v.push(b'\n');
                v.extend_from_slice(value);
            }
        }
    }

    fn take(&mut self) -> Bytes {
        match std::mem::take(self) {
            Data::None => Bytes::new(),
            Data::Shared(b) => b,
            Data::Owned(v) => Bytes::from(v),
        }
    }

    fn start(&self) -> String {
        let b: &[u8] = match self {
            Data::None => &[],
            Data::Shared(b) => b,
            Data::Owned(v) => v,
        };
        String::from_utf8_lossy(&b[..200.min(b.len())]).into_owned()
    }
}

/// Feed bytes in any chunking; take events out as they complete.
///
/// ```
/// use empiriolabs::sse::Decoder;
/// let mut d = Decoder::new(1 << 20);
/// d.feed(b"event: ping\ndata: {\"a\":\r\ndata: 1}\r\n\r").unwrap();
/// d.feed(b"\n").unwrap();
/// let ev = d.next_event().unwrap();
/// assert_eq!((ev.event.as_deref(), ev.data()), (Some("ping"), "{\"a\":\n1}"));
/// ```
#[derive(Debug)]
pub struct Decoder {
    line: Vec<u8>,
    max: usize,
    /// The previous chunk ended with CR: a leading LF in the next one ends nothing.
    after_cr: bool,
    first_line: bool,
    event: Option<Arc<str>>,
    /// The last `event:` name seen, reused while names repeat.
    last_name: Option<Arc<str>>,
    data: Data,
    has_data: bool,
    last_id: Option<Arc<str>>,
    retry: Option<u64>,
    ready: VecDeque<SseEvent>,
    /// The unread rest of a chunk given to [`Decoder::push`].
    pending: Bytes,
}

impl Decoder {
    /// `max` bounds a line and an event's accumulated data, in bytes.
    pub fn new(max: usize) -> Decoder {
        Decoder {
            line: Vec::new(),
            max,
            after_cr: false,
            first_line: true,
            event: None,
            last_name: None,
            data: Data::None,
            has_data: false,
            last_id: None,
            retry: None,
            ready: VecDeque::new(),
            pending: Bytes::new(),
        }
    }

    /// Decodes all of `chunk` now; its events wait in [`Decoder::next_event`].
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), LineTooLong> {
        self.consume(&Bytes::copy_from_slice(chunk), false).map(|_| ())
    }

    /// Takes a chunk to decode lazily: [`Decoder::next_decoded`] reads events out of it one
    /// at a time, so a burst of many events is never copied whole into a queue.
    pub fn push(&mut self, chunk: Bytes) {
        debug_assert!(self.pending.is_empty(), "push only once the previous chunk is read");
        self.pending = chunk;
    }

    /// The next event: queued, or decoded from the pushed chunk; `None` when it needs more bytes.
    pub fn next_decoded(&mut self) -> Result<Option<SseEvent>, LineTooLong> {
        while self.ready.is_empty() && !self.pending.is_empty() {
            let chunk = std::mem::take(&mut self.pending);
            let used = self.consume(&chunk, true)?;
            self.pending = chunk.slice(used..);
        }
        Ok(self.ready.pop_front())
    }

    /// Decodes from `whole`, stopping after the first dispatched event when `one`; returns the
    /// bytes used.
    fn consume(&mut self, whole: &Bytes, one: bool) -> Result<usize, LineTooLong> {
        let mut chunk: &[u8] = whole;
        // An empty chunk must not forget a pending CR: its LF may come in the next one.
        if chunk.is_empty() {
            return Ok(0);
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while !chunk.is_empty() {
            if one && !self.ready.is_empty() {
                break;
            }
            match memchr::memchr2(b'\n', b'\r', chunk) {
                None => {
                    self.line.extend_from_slice(chunk);
                    self.check_len()?;
                    chunk = &[];
                }
                Some(pos) => {
                    let end = chunk[pos];
                    if self.line.is_empty() {
                        // The bound holds however the line was chunked.
                        if pos > self.max {
                            return Err(LineTooLong { limit: self.max, start: String::from_utf8_lossy(&chunk[..200.min(pos)]).into_owned() });
                        }
                        self.line_done(&chunk[..pos], Some(whole))?;
                    } else {
                        self.line.extend_from_slice(&chunk[..pos]);
                        self.check_len()?;
                        let line = std::mem::take(&mut self.line);
                        self.line_done(&line, None)?;
                        self.line = line;
                        self.line.clear();
                    }
                    chunk = &chunk[pos + 1..];
                    if end == b'\r' {
                        match chunk.first() {
                            Some(b'\n') => chunk = &chunk[1..],
                            None => self.after_cr = true,
                            _ => {}
                        }
                    }
                }
            }
        }
        Ok(whole.len() - chunk.len())
    }

    /// The next event already decoded by [`Decoder::feed`].
    pub fn next_event(&mut self) -> Option<SseEvent> {
        self.ready.pop_front()
    }

    /// At the end of the body: the event a final blank line would have dispatched, if its
    /// lines are complete (a stream whose last line is its terminator may omit the blank line).
    /// A line cut short without its line end is not complete, and gives nothing.
    ///
    /// ```
    /// use empiriolabs::sse::Decoder;
    /// let mut d = Decoder::new(1 << 20);
    /// d.feed(b"data: [DONE]\n").unwrap();
    /// assert!(d.next_event().is_none());
    /// assert_eq!(d.pending_at_eof().unwrap().data(), "[DONE]");
    /// ```
    pub fn pending_at_eof(&mut self) -> Option<SseEvent> {
        if !self.line.is_empty() {
            return None;
        }
        self.event_if_any()
    }

    /// The id of the last event that set one (for `Last-Event-ID`).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    fn check_len(&self) -> Result<(), LineTooLong> {
        if self.line.len() > self.max {
            return Err(LineTooLong { limit: self.max, start: String::from_utf8_lossy(&self.line[..200.min(self.line.len())]).into_owned() });
        }
        Ok(())
    }

    /// A shared text for `value`: the previous one when it is the same.
    fn shared(prev: &Option<Arc<str>>, value: &[u8]) -> Arc<str> {
        match prev {
            Some(p) if p.as_bytes() == value => p.clone(),
            _ => Arc::from(String::from_utf8_lossy(value)),
        }
    }

    /// A whole line; `src` is the chunk it lies in, when it lies in one.
    fn line_done(&mut self, mut line: &[u8], src: Option<&Bytes>) -> Result<(), LineTooLong> {
        if self.first_line {
            self.first_line = false;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.data.len() + value.len() > self.max {
                    return Err(LineTooLong { limit: self.max, start: self.data.start() });
                }
                self.data.add(value, src);
                self.has_data = true;
            }
            b"event" => {
                let name = Self::shared(&self.last_name, value);
                self.last_name = Some(name.clone());
                self.event = Some(name);
            }
            b"id" if !value.contains(&0) => self.last_id = Some(Self::shared(&self.last_id, value)),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry = std::str::from_utf8(value).ok().and_then(|s| s.parse().ok());
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        if let Some(ev) = self.event_if_any() {
            self.ready.push_back(ev);
        }
    }

    /// Ends the event being read: it, if it has data; the fields reset either way.
    fn event_if_any(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent { event, data: utf8(self.data.take()), id: self.last_id.clone(), retry: self.retry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut d = Decoder::new(1 << 16);
        let mut out = vec![];
        for c in chunks {
            d.feed(c).unwrap();
            while let Some(e) = d.next_event() {
                out.push(e);
            }
        }
        out
    }

    #[test]
    fn fields_comments_ids_and_retry() {
        let evs = decode_all(&[b"\xEF\xBB\xBF: hello\nretry: 1500\nid: 7\nevent: a\ndata:x\ndata:  y\n\ndata\n\nevent: empty\n\n"]);
        assert_eq!(evs.len(), 2);
        assert_eq!((evs[0].event.as_deref(), evs[0].data(), evs[0].id.as_deref(), evs[0].retry), (Some("a"), "x\n y", Some("7"), Some(1500)));
        assert_eq!(evs[1].data(), "");
        assert_eq!(evs[1].event, None, "the name of a data-less event does not carry over");
    }

    #[test]
    fn a_data_line_that_came_whole_is_not_copied() {
        let chunk = Bytes::from_static(b"event: a\ndata: {\"x\":1}\n\nevent: a\ndata: 2\n\n");
        let mut d = Decoder::new(1 << 16);
        d.push(chunk.clone());
        let (first, second) = (d.next_decoded().unwrap().unwrap(), d.next_decoded().unwrap().unwrap());
        let within = |b: &Bytes| chunk.as_ptr_range().contains(&b.as_ptr());
        assert!(within(first.data_bytes()) && within(second.data_bytes()), "both slices of the chunk");
        assert!(Arc::ptr_eq(first.event.as_ref().unwrap(), second.event.as_ref().unwrap()), "a repeated name is shared");
        let mut split = Decoder::new(1 << 16);
        split.feed(b"data: 1\ndata: 2\n\n").unwrap();
        assert_eq!(split.next_event().unwrap().data(), "1\n2", "several lines are joined");
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let ev = decode_all(&[b"data: a\xffb\n\n"]).remove(0);
        assert_eq!(ev.data(), "a\u{fffd}b");
    }

    #[test]
    fn an_empty_chunk_between_cr_and_lf_changes_nothing() {
        let evs = decode_all(&[b"data: x\r", b"", b"\ndata: y\r\n\r\n"]);
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].data(), "x\ny");
    }

    #[test]
    fn partial_event_at_end_is_not_dispatched() {
        assert!(decode_all(&[b"data: 1\n"]).is_empty());
    }

    #[test]
    fn the_event_pending_at_eof_needs_complete_lines() {
        let mut d = Decoder::new(1 << 16);
        d.feed(b"data: a\n\nevent: message_stop\r\ndata: {}\r\n").unwrap();
        assert_eq!(d.next_event().unwrap().data(), "a");
        let last = d.pending_at_eof().unwrap();
        assert_eq!((last.event.as_deref(), last.data()), (Some("message_stop"), "{}"));
        let mut cut = Decoder::new(1 << 16);
        cut.feed(b"data: [DON").unwrap();
        assert!(cut.pending_at_eof().is_none(), "a line without its end is cut, not complete");
    }

    #[test]
    fn the_bound_holds_whether_a_line_comes_whole_or_in_pieces() {
        let line = b": a comment longer than the bound\n";
        assert!(Decoder::new(16).feed(line).is_err(), "whole");
        let mut d = Decoder::new(16);
        let failed = line.chunks(3).any(|c| d.feed(c).is_err());
        assert!(failed, "in pieces");
    }

    #[test]
    fn lines_over_the_bound_fail_with_their_start() {
        let mut d = Decoder::new(10);
        let err = d.feed(b"data: 0123456789abcdef").unwrap_err();
        assert_eq!(err.limit, 10);
        assert!(err.start.starts_with("data: 0123"));
    }

    fn render(events: &[(Option<String>, Vec<String>)], eol: &str) -> Vec<u8> {
        let mut s = String::new();
        for (name, lines) in events {
            if let Some(n) = name {
                s.push_str(&format!("event: {n}{eol}"));
            }
            for l in lines {
                s.push_str(&format!("data: {l}{eol}"));
            }
            s.push_str(eol);
        }
        s.into_bytes()
    }

    proptest! {
        #[test]
        fn any_chunking_and_line_ending_gives_the_same_events(
            events in prop::collection::vec((prop::option::of("[a-z.]{1,8}"), prop::collection::vec("[ -~]{0,12}", 1..4)), 1..8),
            eol in prop::sample::select(vec!["\n", "\r", "\r\n"]),
            cuts in prop::collection::vec(0usize..400, 0..12),
        ) {
            let bytes = render(&events, eol);
            let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            points.sort();
            let mut chunks: Vec<&[u8]> = vec![];
            let mut last = 0;
            for p in points {
                chunks.push(&bytes[last..p]);
                last = p;
            }
            chunks.push(&bytes[last..]);
            let got = decode_all(&chunks);
            let mut lazy = Decoder::new(1 << 16);
            let mut lazily = vec![];
            for c in &chunks {
                lazy.push(Bytes::copy_from_slice(c));
                while let Some(e) = lazy.next_decoded().unwrap() {
                    lazily.push(e);
                }
            }
            prop_assert_eq!(&lazily, &got, "pushed chunks decode as fed ones");
            prop_assert_eq!(got.len(), events.len());
            for (g, (name, lines)) in got.iter().zip(&events) {
                prop_assert_eq!(g.event.as_deref(), name.as_deref());
                // `data: ` strips exactly one space, so leading spaces beyond it survive.
                prop_assert_eq!(g.data(), lines.join("\n"));
            }
        }
    }
}
