//! The packet's page: `page.html`, built from `ui/packet/` by Vite into one file (its script and
//! style inlined, its Content-Security-Policy allowing those two by hash and nothing else), with the
//! packet's content put into its JSON data block.

use serde::Serialize;

use crate::{Error, Result};

/// The built page; `npm run build:packet` in `ui/` writes it, and the test command checks it is current.
const PAGE: &str = include_str!("page.html");
/// What the data block holds in the built page, replaced by the packet's JSON.
const SLOT: &str = "\"__ARCWELL_PACKET__\"";

/// The page with `content` in its data block. Every `<`, `>` and `&` in the JSON is escaped
/// (`\u003c`…), so no text in a question or a message can end the block or start markup.
pub(super) fn fill(content: &impl Serialize) -> Result<String> {
    let json = serde_json::to_string(content).map_err(|_| Error::Internal("a packet's content does not serialise"))?;
    let json = json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    let (before, after) = PAGE.split_once(SLOT).ok_or(Error::Internal("the packet page has no data slot"))?;
    Ok([before, &json, after].concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use sha2::{Digest, Sha256};

    /// The text between the first `open` (an opening tag's start) and its closing tag.
    fn inline<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
        let start = page.find(open).unwrap_or_else(|| panic!("no {open} in the page"));
        let body = &page[start..];
        let body = &body[body.find('>').unwrap() + 1..];
        &body[..body.find(close).unwrap()]
    }

    #[test]
    fn the_page_allows_only_its_own_inline_script_and_style_by_hash() {
        let csp =
            PAGE.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).unwrap().split('"').next().unwrap();
        let hash =
            |s: &str| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s)));
        let script = inline(PAGE, "<script type=\"module\"", "</script>");
        let style = inline(PAGE, "<style", "</style>");
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(csp.contains(&format!("script-src {}", hash(script))), "the script's hash is allowed: {csp}");
        assert!(csp.contains(&format!("style-src {}", hash(style))), "the style's hash is allowed: {csp}");
        for directive in ["connect-src 'none'", "form-action 'none'", "base-uri 'none'", "img-src data:"] {
            assert!(csp.contains(directive), "{directive}: {csp}");
        }
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"), "no address to fetch from");
        assert_eq!(PAGE.matches(SLOT).count(), 1, "the data slot is there once");
    }

    #[test]
    fn text_in_the_packet_cannot_end_its_data_block() {
        let page = fill(&serde_json::json!({ "message": "</script><script>alert(1)</script> & <!--" })).unwrap();
        let data = inline(&page, "<script type=\"application/json\"", "</script>");
        assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'), "{data}");
        let back: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(back["message"], "</script><script>alert(1)</script> & <!--");
    }
}
