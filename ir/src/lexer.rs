//! The MLIR token lexer: on demand, no allocation per token. Tokens are byte
//! ranges of the source; the parser looks at their text.

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Tok {
    Eof,
    Error,
    BareIdent,
    /// `%name`
    PercentIdent,
    /// `^name`
    CaretIdent,
    /// `@name` or `@"name"`
    AtIdent,
    /// `#name`
    HashIdent,
    /// `!name`
    BangIdent,
    Integer,
    Float,
    String,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LSquare,
    RSquare,
    Less,
    Greater,
    Comma,
    Colon,
    Equal,
    Arrow,
    Question,
    Star,
    Plus,
    Minus,
    VerticalBar,
    Ellipsis,
    /// `{-#`
    FileMetadataBegin,
    /// `#-}`
    FileMetadataEnd,
}

impl Tok {
    pub fn describe(self) -> &'static str {
        match self {
            Tok::Eof => "end of file",
            Tok::Error => "invalid token",
            Tok::BareIdent => "identifier",
            Tok::PercentIdent => "SSA value",
            Tok::CaretIdent => "block name",
            Tok::AtIdent => "symbol reference",
            Tok::HashIdent => "attribute alias",
            Tok::BangIdent => "type alias",
            Tok::Integer => "integer",
            Tok::Float => "float",
            Tok::String => "string",
            Tok::LParen => "'('",
            Tok::RParen => "')'",
            Tok::LBrace => "'{'",
            Tok::RBrace => "'}'",
            Tok::LSquare => "'['",
            Tok::RSquare => "']'",
            Tok::Less => "'<'",
            Tok::Greater => "'>'",
            Tok::Comma => "','",
            Tok::Colon => "':'",
            Tok::Equal => "'='",
            Tok::Arrow => "'->'",
            Tok::Question => "'?'",
            Tok::Star => "'*'",
            Tok::Plus => "'+'",
            Tok::Minus => "'-'",
            Tok::VerticalBar => "'|'",
            Tok::Ellipsis => "'...'",
            Tok::FileMetadataBegin => "'{-#'",
            Tok::FileMetadataEnd => "'#-}'",
        }
    }
}

#[derive(Copy, Clone, Debug)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
}

/// A position to rewind the lexer to.
#[derive(Copy, Clone, Debug)]
pub struct LexState {
    pos: u32,
    line: u32,
    line_start: u32,
}

/// A lexer state at byte `pos` on line `line` whose first byte is `line_start`.
pub fn state_from(pos: u32, line: u32, line_start: u32) -> LexState {
    LexState {
        pos,
        line,
        line_start,
    }
}

pub struct Lexer<'s> {
    src: &'s [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// Message for the last `Tok::Error`.
    pub error: Option<&'static str>,
}

#[inline]
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
#[inline]
fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.'
}
#[inline]
fn is_suffix_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'$' | b'.' | b'_' | b'-')
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lexer {
            src: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            error: None,
        }
    }

    pub fn state(&self) -> LexState {
        LexState {
            pos: self.pos as u32,
            line: self.line,
            line_start: self.line_start as u32,
        }
    }
    pub fn reset(&mut self, s: LexState) {
        self.pos = s.pos as usize;
        self.line = s.line;
        self.line_start = s.line_start as usize;
    }
    /// Current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// Moves to an offset at or after the current one, keeping line count.
    pub fn advance_to(&mut self, target: usize) {
        while self.pos < target && self.pos < self.src.len() {
            if self.src[self.pos] == b'\n' {
                self.line += 1;
                self.line_start = self.pos + 1;
            }
            self.pos += 1;
        }
    }

    fn skip_trivia(&mut self) {
        let src = self.src;
        loop {
            match src.get(self.pos) {
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'/') if src.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(&c) = src.get(self.pos) {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    #[inline]
    fn tok(&self, kind: Tok, start: usize) -> Token {
        Token {
            kind,
            start: start as u32,
            end: self.pos as u32,
            line: self.line,
            col: (start - self.line_start) as u32 + 1,
        }
    }

    fn err(&mut self, start: usize, msg: &'static str) -> Token {
        self.error = Some(msg);
        let t = self.tok(Tok::Error, start);
        if self.pos == start {
            self.pos = (start + 1).min(self.src.len());
        }
        t
    }

    pub fn next_token(&mut self) -> Token {
        self.skip_trivia();
        let src = self.src;
        let start = self.pos;
        let line = self.line;
        let line_start = self.line_start;
        let Some(&c) = src.get(start) else {
            return self.tok(Tok::Eof, start);
        };
        self.pos += 1;
        let kind = match c {
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'{' => {
                if src.get(self.pos) == Some(&b'-') && src.get(self.pos + 1) == Some(&b'#') {
                    self.pos += 2;
                    Tok::FileMetadataBegin
                } else {
                    Tok::LBrace
                }
            }
            b'}' => Tok::RBrace,
            b'[' => Tok::LSquare,
            b']' => Tok::RSquare,
            b'<' => Tok::Less,
            b'>' => Tok::Greater,
            b',' => Tok::Comma,
            b'=' => Tok::Equal,
            b'?' => Tok::Question,
            b'*' => Tok::Star,
            b'+' => Tok::Plus,
            b'|' => Tok::VerticalBar,
            b':' => Tok::Colon,
            b'-' => {
                if src.get(self.pos) == Some(&b'>') {
                    self.pos += 1;
                    Tok::Arrow
                } else {
                    Tok::Minus
                }
            }
            b'.' => {
                if src.get(self.pos) == Some(&b'.') && src.get(self.pos + 1) == Some(&b'.') {
                    self.pos += 2;
                    Tok::Ellipsis
                } else {
                    return self.err(start, "expected three consecutive dots for an ellipsis");
                }
            }
            b'"' => return self.lex_string(start),
            b'%' | b'^' | b'#' | b'!' | b'@' => {
                if c == b'#'
                    && src.get(self.pos) == Some(&b'-')
                    && src.get(self.pos + 1) == Some(&b'}')
                {
                    self.pos += 2;
                    return self.tok(Tok::FileMetadataEnd, start);
                }
                if c == b'@' && src.get(self.pos) == Some(&b'"') {
                    let t = self.lex_string(self.pos);
                    if t.kind == Tok::Error {
                        return t;
                    }
                    return Token {
                        kind: Tok::AtIdent,
                        start: start as u32,
                        end: self.pos as u32,
                        line,
                        col: (start - line_start) as u32 + 1,
                    };
                }
                let body = self.pos;
                match src.get(body) {
                    Some(d) if d.is_ascii_digit() && c != b'#' && c != b'!' && c != b'@' => {
                        while src.get(self.pos).is_some_and(|d| d.is_ascii_digit()) {
                            self.pos += 1;
                        }
                    }
                    Some(d) if d.is_ascii_digit() => {
                        while src.get(self.pos).is_some_and(|d| d.is_ascii_digit()) {
                            self.pos += 1;
                        }
                    }
                    Some(&d) if is_ident_start(d) || matches!(d, b'$' | b'.' | b'-') => {
                        while src.get(self.pos).is_some_and(|&d| is_suffix_char(d)) {
                            self.pos += 1;
                        }
                    }
                    _ => {
                        return self.err(
                            start,
                            match c {
                                b'%' => "invalid SSA name",
                                b'^' => "invalid block name",
                                b'@' => "invalid symbol name",
                                _ => "invalid identifier",
                            },
                        );
                    }
                }
                match c {
                    b'%' => Tok::PercentIdent,
                    b'^' => Tok::CaretIdent,
                    b'#' => Tok::HashIdent,
                    b'!' => Tok::BangIdent,
                    _ => Tok::AtIdent,
                }
            }
            b'0'..=b'9' => return self.lex_number(start),
            c if is_ident_start(c) => {
                while src.get(self.pos).is_some_and(|&d| is_ident_char(d)) {
                    self.pos += 1;
                }
                Tok::BareIdent
            }
            _ => {
                if c >= 0x80 {
                    // Skip the whole UTF-8 sequence.
                    while src.get(self.pos).is_some_and(|&d| d & 0xC0 == 0x80) {
                        self.pos += 1;
                    }
                }
                return self.err(start, "unexpected character");
            }
        };
        self.tok(kind, start)
    }

    fn lex_number(&mut self, start: usize) -> Token {
        let src = self.src;
        if src[start] == b'0'
            && src.get(self.pos) == Some(&b'x')
            && src.get(self.pos + 1).is_some_and(|c| c.is_ascii_hexdigit())
        {
            self.pos += 1;
            while src.get(self.pos).is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            return self.tok(Tok::Integer, start);
        }
        while src.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if src.get(self.pos) != Some(&b'.') {
            return self.tok(Tok::Integer, start);
        }
        self.pos += 1;
        while src.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if matches!(src.get(self.pos), Some(b'e' | b'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if src.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                while src.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            } else {
                self.pos = save;
            }
        }
        self.tok(Tok::Float, start)
    }

    fn lex_string(&mut self, start: usize) -> Token {
        // `start` is the opening quote.
        let src = self.src;
        self.pos = start + 1;
        loop {
            match src.get(self.pos) {
                None => return self.err(start, "expected '\"' in string literal"),
                Some(b'"') => {
                    self.pos += 1;
                    return self.tok(Tok::String, start);
                }
                Some(b'\n') => return self.err(start, "expected '\"' in string literal"),
                Some(b'\\') => match src.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'n' | b't') => self.pos += 2,
                    Some(a)
                        if a.is_ascii_hexdigit()
                            && src.get(self.pos + 2).is_some_and(|b| b.is_ascii_hexdigit()) =>
                    {
                        self.pos += 3
                    }
                    _ => {
                        self.pos += 1;
                        return self.err(start, "unknown escape in string literal");
                    }
                },
                Some(_) => self.pos += 1,
            }
        }
    }
}

/// Decodes the body of a string token (without quotes) with MLIR's escapes.
pub fn unescape(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == b'\\' && i + 1 < body.len() {
            match body[i + 1] {
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                }
                b'"' => {
                    out.push(b'"');
                    i += 2;
                }
                b'\\' => {
                    out.push(b'\\');
                    i += 2;
                }
                _ if i + 2 < body.len() => {
                    let h = std::str::from_utf8(&body[i + 1..i + 3])
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok());
                    out.push(h.unwrap_or(b'?'));
                    i += 3;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Escapes bytes for printing inside a string literal, as MLIR does
/// (printable ASCII as is, `\\`, `\"`, `\n`, `\t`, and `\XX` otherwise).
pub fn escape(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\22"),
            b'\n' => out.push_str("\\0A"),
            b'\t' => out.push_str("\\09"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                out.push('\\');
                out.push_str(&format!("{:02X}", b));
            }
        }
    }
}
