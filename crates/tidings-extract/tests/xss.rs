//! Filter-evasion vectors of the kind the OWASP XSS cheat sheet lists,
//! embedded in an otherwise ordinary article: nothing executable survives
//! in the extracted HTML.

const VECTORS: &[&str] = &[
    r#"<script>alert(1)</script>"#,
    r#"<SCRIPT SRC=https://x.example/xss.js></SCRIPT>"#,
    r#"<IMG SRC="javascript:alert('XSS');">"#,
    r#"<IMG SRC=JaVaScRiPt:alert('XSS')>"#,
    r#"<IMG SRC=`javascript:alert("XSS")`>"#,
    r#"<a onmouseover="alert(document.cookie)">xxs link</a>"#,
    r#"<IMG """><SCRIPT>alert("XSS")</SCRIPT>">"#,
    r#"<IMG SRC=# onmouseover="alert('xxs')">"#,
    r#"<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">"#,
    r#"<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"#,
    r#"<IMG SRC="jav&#x09;ascript:alert('XSS');">"#,
    r#"<IMG SRC=" &#14;  javascript:alert('XSS');">"#,
    r#"<SCRIPT/XSS SRC="https://x.example/xss.js"></SCRIPT>"#,
    r#"<BODY onload!#$%&()*~+-_.,:;?@[/|\]^`=alert("XSS")>"#,
    r#"<<SCRIPT>alert("XSS");//\<</SCRIPT>"#,
    r#"<iframe src=https://x.example/scriptlet.html <"#,
    r#"<svg/onload=alert('XSS')>"#,
    r#"<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">"#,
    r#"<BGSOUND SRC="javascript:alert('XSS');">"#,
    r#"<LINK REL="stylesheet" HREF="javascript:alert('XSS');">"#,
    r#"<STYLE>@import'https://x.example/xss.css';</STYLE>"#,
    r#"<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">"#,
    r#"<TABLE BACKGROUND="javascript:alert('XSS')"><TR><TD>cell</TD></TR></TABLE>"#,
    r#"<DIV STYLE="background-image: url(javascript:alert('XSS'))">div</DIV>"#,
    r#"<DIV STYLE="width: expression(alert('XSS'));">div</DIV>"#,
    r#"<OBJECT TYPE="text/x-scriptlet" DATA="https://x.example/scriptlet.html"></OBJECT>"#,
    r#"<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>"#,
    r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>"#,
    r#"<form action="javascript:alert(1)"><button>go</button></form>"#,
    r#"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"#,
    r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#,
    r#"<a href="vbscript:msgbox(1)">vb</a>"#,
    r#"<a href="&#x6A;avascript:alert(1)">encoded</a>"#,
];

fn article_with(vector: &str) -> String {
    let paragraph = "The harbour wall will be rebuilt after a winter of storms, the council said, \
        and the work will take two years, cost more than planned and close the north quay.";
    format!(
        "<html><body><article><h1>Harbour wall</h1><p>{paragraph}</p><p>{vector}</p>\
         <p>{paragraph}</p><div>{vector}</div><p>{paragraph} {vector}</p></article></body></html>"
    )
}

/// Why `html` could run code, if it could.
fn executable(html: &str) -> Option<String> {
    let fragment = scraper::Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let tag = element.name();
        if matches!(
            tag,
            "script"
                | "iframe"
                | "object"
                | "embed"
                | "style"
                | "link"
                | "meta"
                | "form"
                | "input"
                | "button"
                | "svg"
                | "math"
                | "base"
                | "frame"
                | "frameset"
                | "applet"
                | "bgsound"
        ) {
            return Some(format!("<{tag}>"));
        }
        for (name, value) in element.attrs() {
            let name = name.to_ascii_lowercase();
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.starts_with("on") || name == "style" || name == "background" {
                return Some(format!("{name}= on <{tag}>"));
            }
            if ["javascript:", "vbscript:", "data:text", "data:application"]
                .iter()
                .any(|scheme| value.starts_with(scheme))
            {
                return Some(format!("{name}={value}"));
            }
        }
    }
    None
}

#[test]
fn nothing_executable_survives() {
    // The checker itself catches what it looks for.
    for raw in [VECTORS[0], VECTORS[2], VECTORS[3], VECTORS[5], VECTORS[16]] {
        assert!(executable(raw).is_some(), "checker misses {raw}");
    }
    let base = url::Url::parse("https://news.example/a/1").unwrap();
    for vector in VECTORS {
        let page = article_with(vector);
        let html = tidings_extract::extract(page.as_bytes(), Some(&base)).html;
        assert!(
            html.contains("harbour wall will be rebuilt"),
            "article kept: {html}"
        );
        if let Some(why) = executable(&html) {
            panic!("{why} survived {vector:?}: {html}");
        }
    }
}

#[test]
fn absurdly_deep_pages_are_cut_not_choked_on() {
    // 100,000 nested elements took the HTML parser about a minute before
    // the depth limit; now the page is cut at a thousand.
    let page = format!(
        "<html><body><article><p>{}</p>{}deep{}</article></body></html>",
        "Words, words and more words about the harbour wall. ".repeat(10),
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let article = tidings_extract::extract(page.as_bytes(), None);
    assert!(article.text.contains("harbour wall"), "{}", article.text);
}
