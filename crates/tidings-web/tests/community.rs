//! Accounts, comments and moderation through the router, as a browser would
//! use them (cookies kept, forms posted), on both databases: sign-up and
//! sign-in, CSRF on every state-changing route, session rotation, brute
//! force, authorship, bans, reports, and hostile comments.

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use chrono::{TimeDelta, TimeZone, Utc};
use tidings_app::{App, AppConfig};
use tidings_core::{ArticleId, FeedEntry, IdGenerator, ManualClock, Role};
use tidings_store::testing::TestDatabase;

mod common;
use common::{Browser, Page};

tidings_store::on_both_databases!(
    readers_sign_up_and_comment,
    every_state_changing_route_needs_its_csrf_token,
    sessions_rotate_and_brute_force_is_slowed,
    authors_moderators_and_bans,
    hostile_comments_never_produce_executable_markup,
    readers_save_follow_and_mark_read
);

struct Site {
    app: App,
    router: Router,
    clock: ManualClock,
    article: ArticleId,
}

async fn site(db: &TestDatabase) -> Site {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let clock = ManualClock::new(now);
    let app = App::with_store(
        db.store().clone(),
        AppConfig::new(db.url()),
        Arc::new(clock.clone()),
    )
    .unwrap();
    let router = tidings_web::router(app.clone());
    let feed = app.follow_url("https://paper.example/rss").await.unwrap();
    let ids = IdGenerator::new();
    let entry = FeedEntry {
        guid: "1".into(),
        url: Some("https://paper.example/1".into()),
        url_key: Some("paper.example/1".into()),
        content_hash: "1".into(),
        title: Some("Harbour wall to be rebuilt".into()),
        content: Some(format!(
            "<p>{}</p>",
            "The council voted to rebuild the harbour wall. ".repeat(30)
        )),
        published_at: Some(now - TimeDelta::hours(1)),
        ..FeedEntry::default()
    };
    db.store()
        .insert_entries(&feed, &[entry], now, || ArticleId(ids.next(now)))
        .await
        .unwrap();
    let article = app.latest_articles(1).await.unwrap()[0].id;
    Site {
        app,
        router,
        clock,
        article,
    }
}

/// The comment id a post redirected to.
fn posted_id(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .rsplit_once("#comment-")
        .expect("anchored at the comment")
        .1
        .to_owned()
}

async fn readers_sign_up_and_comment(db: &TestDatabase) {
    let site = site(db).await;
    let article = format!("/articles/{}", site.article);
    let mut visitor = Browser::new(&site.router);
    let page = visitor.get(&article).await;
    assert!(page.body.contains("No comments yet."), "{}", page.body);
    assert!(
        page.body
            .contains("Sign in</a> or <a href=\"/signup?next=/articles/"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("name=\"body\""),
        "no comment form for visitors"
    );

    let mut anna = Browser::new(&site.router);
    let signed = anna.sign_up("Anna", "correct horse battery").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let cookie = signed.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("tidings_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // Names are unique whatever their case.
    let mut copycat = Browser::new(&site.router);
    assert_eq!(
        copycat
            .sign_up("anna", "another long password")
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        copycat.sign_up("bo", "another long password").await.status,
        StatusCode::BAD_REQUEST
    );

    let page = anna.get(&article).await;
    assert!(page.body.contains("Comment as Anna"), "{}", page.body);
    assert_eq!(page.headers[header::CACHE_CONTROL], "private, no-store");
    let first = posted_id(
        &anna
            .comment(
                site.article,
                "I *grew up* near that wall.\n\n- one\n- two",
                None,
            )
            .await,
    );
    let mut bo = Browser::new(&site.router);
    bo.sign_up("Bob", "a different long password").await;
    let reply = posted_id(
        &bo.comment(site.article, "Me too, *every* summer.", Some(&first))
            .await,
    );
    // A link from an account younger than a day waits for a moderator:
    // its author sees it, nobody else does.
    let linked = posted_id(
        &bo.comment(
            site.article,
            "More at [my site](https://example.org/wall).",
            None,
        )
        .await,
    );
    let own = bo.get(&article).await;
    assert!(
        own.body.contains("held for review") && own.body.contains("rel=\"nofollow ugc noopener\""),
        "{}",
        own.body
    );
    assert!(
        !visitor
            .get(&article)
            .await
            .body
            .contains(&format!("comment-{linked}"))
    );

    let page = visitor.get(&article).await;
    assert!(page.body.contains("Comments (2)"), "{}", page.body);
    assert!(
        page.body.contains("<em>grew up</em>") && page.body.contains("<li>two</li>"),
        "{}",
        page.body
    );
    let (at_first, at_reply) = (
        page.body.find(&format!("id=\"comment-{first}\"")).unwrap(),
        page.body.find(&format!("id=\"comment-{reply}\"")).unwrap(),
    );
    assert!(at_first < at_reply, "the reply follows its parent");
    assert!(
        page.body.contains("class=\"comment depth-1\""),
        "replies are nested"
    );
    let newest = visitor.get(&format!("{article}?sort=newest")).await;
    assert!(newest.body.contains("<strong>newest</strong>"));

    // Edits within 15 minutes show "edited"; later ones are refused.
    let csrf = anna.token().await;
    let edited = anna
        .post(
            &format!("/comments/{first}/edit"),
            &[("csrf", &csrf), ("body", "I grew up *right* by that wall.")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let page = visitor.get(&article).await;
    assert!(
        page.body.contains("<em>right</em>") && page.body.contains("class=\"edited\">edited"),
        "{}",
        page.body
    );
    site.clock.advance(TimeDelta::minutes(16));
    let late = anna
        .post(
            &format!("/comments/{first}/edit"),
            &[("csrf", &csrf), ("body", "too late")],
        )
        .await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);

    // Deleting a comment with replies leaves a placeholder for them.
    let deleted = anna
        .post(&format!("/comments/{first}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let page = visitor.get(&article).await;
    assert!(
        page.body.contains("This comment was deleted.") && !page.body.contains("right</em>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Comments (1)"));

    // Signing out ends the session.
    anna.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(anna.get("/account").await.status, StatusCode::SEE_OTHER);

    // Deleting an account: comments kept without the name.
    let csrf = bo.token().await;
    let gone = bo
        .post(
            "/account/delete",
            &[
                ("csrf", &csrf),
                ("password", "a different long password"),
                ("comments", "keep"),
            ],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let page = visitor.get(&article).await;
    assert!(
        page.body.contains("[deleted account]") && page.body.contains("Me too"),
        "{}",
        page.body
    );
    assert_eq!(bo.get("/account").await.status, StatusCode::SEE_OTHER);
    let mut again = Browser::new(&site.router);
    assert_eq!(
        again
            .sign_in("Bob", "a different long password")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn every_state_changing_route_needs_its_csrf_token(db: &TestDatabase) {
    let site = site(db).await;
    site.app
        .create_user("root", "root password long", Role::Admin)
        .await
        .unwrap();
    let mut admin = Browser::new(&site.router);
    assert_eq!(
        admin.sign_in("root", "root password long").await.status,
        StatusCode::SEE_OTHER
    );
    let comment = posted_id(
        &admin
            .comment(site.article, "a comment to act on", None)
            .await,
    );
    let user = site
        .app
        .create_user("someone", "someone's password", Role::Reader)
        .await
        .unwrap();
    let story = "1";
    let routes = [
        "/signin".to_owned(),
        "/signup".to_owned(),
        "/signout".to_owned(),
        "/account/password".to_owned(),
        "/account/delete".to_owned(),
        format!("/articles/{}/comments", site.article),
        format!("/stories/{story}/comments"),
        format!("/comments/{comment}/edit"),
        format!("/comments/{comment}/delete"),
        format!("/comments/{comment}/report"),
        "/moderation/settings".to_owned(),
        format!("/moderation/comments/{comment}/hide"),
        format!("/moderation/users/{}/ban", user.id),
        format!("/articles/{}/save", site.article),
        format!("/articles/{}/read", site.article),
        "/sources/1/follow".to_owned(),
        "/topics/World/follow".to_owned(),
    ];
    let good = admin.token().await;
    let mut other = Browser::new(&site.router);
    let others = other.get("/signin").await.csrf();
    let cases = [
        ("no token", None, None),
        ("a wrong token", Some("00ff"), None),
        ("another visitor's token", Some(others.as_str()), None),
        (
            "the right token from another site",
            Some(good.as_str()),
            Some("https://evil.example"),
        ),
    ];
    for route in &routes {
        for (what, csrf, origin) in cases {
            let mut fields = vec![
                ("body", "x"),
                ("name", "root"),
                ("password", "root password long"),
                ("mode", "closed"),
            ];
            if let Some(csrf) = csrf {
                fields.push(("csrf", csrf));
            }
            let page = admin.post_with(route, &fields, origin).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {route}");
        }
    }
    // Nothing happened.
    assert!(
        !site
            .app
            .comment(comment.parse().unwrap())
            .await
            .unwrap()
            .hidden
    );
    assert!(!site.app.store().user(user.id).await.unwrap().banned);
    assert_eq!(
        site.app.comments_mode().await.unwrap(),
        tidings_core::CommentsMode::Open
    );
    assert_eq!(
        admin.get("/account").await.status,
        StatusCode::OK,
        "still signed in"
    );
    // The same-site Origin with the right token passes.
    let ok = admin
        .post_with(
            &format!("/moderation/comments/{comment}/hide"),
            &[("csrf", &good)],
            Some("https://news.example"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

async fn sessions_rotate_and_brute_force_is_slowed(db: &TestDatabase) {
    let site = site(db).await;
    site.app
        .create_user("anna", "anna's long password", Role::Reader)
        .await
        .unwrap();
    site.app
        .create_user("bob", "bo's long password!", Role::Reader)
        .await
        .unwrap();
    let mut browser = Browser::new(&site.router);
    // A session token planted in the browser (an attacker's own) before
    // sign-in is replaced, and ended, by the sign-in.
    browser.sign_in("bob", "bo's long password!").await;
    let planted = browser.cookies["tidings_session"].clone();
    let page = browser.sign_in("anna", "anna's long password").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let fresh = browser.cookies["tidings_session"].clone();
    assert_ne!(planted, fresh);
    assert!(
        site.app.session_user(&planted).await.unwrap().is_none(),
        "the old session is gone"
    );
    assert_eq!(
        site.app.session_user(&fresh).await.unwrap().unwrap().name,
        "anna"
    );
    // A made-up token signs nobody in.
    let mut forger = Browser::new(&site.router);
    forger
        .cookies
        .insert("tidings_session".into(), "ab".repeat(32));
    assert_eq!(forger.get("/account").await.status, StatusCode::SEE_OTHER);

    // Five wrong passwords, then even the right one is refused for a while.
    let mut attacker = Browser::new(&site.router);
    for attempt in 0..5 {
        let page = attacker
            .sign_in("anna", &format!("guess number {attempt}"))
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.body);
        assert!(page.body.contains("Wrong user name or password."));
    }
    let refused = attacker.sign_in("anna", "anna's long password").await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    // Unknown names are refused the same way as wrong passwords.
    assert_eq!(
        attacker.sign_in("nobody", "whatever it is").await.status,
        StatusCode::UNAUTHORIZED
    );
    site.clock.advance(TimeDelta::minutes(16));
    assert_eq!(
        attacker
            .sign_in("anna", "anna's long password")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A password change signs out the other browsers.
    let mut phone = Browser::new(&site.router);
    phone.sign_in("anna", "anna's long password").await;
    let csrf = attacker.token().await;
    let changed = attacker
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", "anna's long password"),
                ("new", "a brand new passphrase"),
            ],
        )
        .await;
    assert!(
        changed.body.contains("Password changed"),
        "{}",
        changed.body
    );
    assert_eq!(phone.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(attacker.get("/account").await.status, StatusCode::OK);

    // Housekeeping: expired sessions and old rate-limit events are forgotten.
    site.clock.advance(TimeDelta::days(31));
    assert!(site.app.prune_accounts_state().await.unwrap() > 0);
    assert_eq!(attacker.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(site.app.prune_accounts_state().await.unwrap(), 0);
}

async fn authors_moderators_and_bans(db: &TestDatabase) {
    let site = site(db).await;
    site.app
        .create_user("mod", "moderator password", Role::Moderator)
        .await
        .unwrap();
    let mut anna = Browser::new(&site.router);
    anna.sign_up("anna", "anna's long password").await;
    let mut bo = Browser::new(&site.router);
    bo.sign_up("bob", "bo's long password!").await;
    let annas = posted_id(&anna.comment(site.article, "Anna's view", None).await);

    // Nobody edits or deletes another's comment.
    let csrf = bo.token().await;
    assert_eq!(
        bo.post(
            &format!("/comments/{annas}/edit"),
            &[("csrf", &csrf), ("body", "hijacked")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bo.post(&format!("/comments/{annas}/delete"), &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bo.get(&format!("/comments/{annas}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    // Readers have no moderation.
    assert_eq!(bo.get("/moderation").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        bo.post(
            &format!("/moderation/comments/{annas}/hide"),
            &[("csrf", &csrf)]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Bo reports it; the moderator sees the report, hides the comment, bans
    // Bo (for the sake of the test), and the log says so.
    let reported = bo
        .post(
            &format!("/comments/{annas}/report"),
            &[("csrf", &csrf), ("reason", "rude")],
        )
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER);
    let mut moderator = Browser::new(&site.router);
    moderator.sign_in("mod", "moderator password").await;
    let queue = moderator.get("/moderation").await;
    assert!(
        queue.body.contains("Anna&#39;s view") || queue.body.contains("Anna's view"),
        "{}",
        queue.body
    );
    assert!(
        queue.body.contains("Reported by bob") && queue.body.contains("rude"),
        "{}",
        queue.body
    );
    let token = moderator.token().await;
    moderator
        .post(
            &format!("/moderation/comments/{annas}/hide"),
            &[("csrf", &token), ("note", "rude")],
        )
        .await;
    let page = bo.get(&format!("/articles/{}", site.article)).await;
    assert!(
        !page.body.contains("Anna's view") && !page.body.contains("Anna&#39;s view"),
        "{}",
        page.body
    );
    assert!(
        moderator
            .get("/moderation")
            .await
            .body
            .contains("No open reports.")
    );

    let bo_id = site
        .app
        .store()
        .user_by_name("bob")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let banned = moderator
        .post(
            &format!("/moderation/users/{bo_id}/ban"),
            &[("csrf", &token), ("note", "spam")],
        )
        .await;
    assert_eq!(banned.status, StatusCode::SEE_OTHER);
    let refused = bo.comment(site.article, "I am back", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        bo.get(&format!("/articles/{}", site.article))
            .await
            .body
            .contains("Your account is banned")
    );
    let log = moderator.get("/moderation").await;
    for action in ["hide", "ban"] {
        assert!(
            log.body.contains(&format!("<td>{action}</td>")),
            "{}",
            log.body
        );
    }

    // The word filter holds a comment for review: its author and the
    // moderators see it, nobody else.
    let mut root = Browser::new(&site.router);
    site.app
        .create_user("root", "root password long", Role::Admin)
        .await
        .unwrap();
    root.sign_in("root", "root password long").await;
    let t = root.token().await;
    root.post(
        "/moderation/settings",
        &[
            ("csrf", &t),
            ("filter", "casino\ncheap pills"),
            ("mode", "open"),
        ],
    )
    .await;
    site.clock.advance(TimeDelta::days(2));
    let held = posted_id(
        &anna
            .comment(site.article, "Try the new CASINO tonight", None)
            .await,
    );
    let mut visitor = Browser::new(&site.router);
    assert!(
        !visitor
            .get(&format!("/articles/{}", site.article))
            .await
            .body
            .contains("CASINO")
    );
    assert!(
        anna.get(&format!("/articles/{}", site.article))
            .await
            .body
            .contains("held for review")
    );
    assert!(
        moderator
            .get("/moderation")
            .await
            .body
            .contains(&format!("comment-{held}"))
    );

    // Closed comments: nobody posts, existing ones stay.
    root.post("/moderation/settings", &[("csrf", &t), ("mode", "closed")])
        .await;
    assert_eq!(
        anna.comment(site.article, "still here?", None).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        anna.get(&format!("/articles/{}", site.article))
            .await
            .body
            .contains("Comments are closed.")
    );
}

/// The OWASP XSS filter-evasion cheat sheet's vectors (a representative
/// set), and Markdown-specific tricks.
const VECTORS: &[&str] = &[
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<XML ID=\"xss\"><I><B><IMG SRC=\"javas<!-- -->cript:alert('XSS')\"></B></I></XML>",
    "<HTML><BODY><?xml:namespace prefix=\"t\" ns=\"urn:schemas-microsoft-com:time\"><?import namespace=\"t\" implementation=\"#default#time2\"><t:set attributeName=\"innerHTML\" to=\"XSS<SCRIPT DEFER>alert(&quot;XSS&quot;)</SCRIPT>\"></BODY></HTML>",
    "<A HREF=\"http://0x42.0x0000066.0x7.0x93/\">XSS</A>",
    "<A HREF=\"javascript:document.location='http://www.google.com/'\">XSS</A>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<details open ontoggle=alert(1)>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](java\nscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "![img\"onerror=\"alert(1)](https://x.example/a.png)",
    "[a](https://x.example/\"onmouseover=\"alert(1))",
    "<https://x.example/\"onmouseover=\"alert(1)>",
    "[x]: javascript:alert(1)\n\n[link][x]",
    "```\n</code><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "* <img src=x onerror=alert(1)>",
    "<div>\n\n<script>alert(1)</script>\n\n</div>",
    "<style>body{background:url(javascript:alert(1))}</style>",
];

/// Elements that run or load code; none may come out of a comment.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style",
    "link", "meta", "base", "form", "input", "button", "textarea", "select", "img", "video",
    "audio", "source", "template", "noscript", "xml", "details", "bgsound",
];

/// Parses the comments section and fails on anything executable in it.
fn assert_inert(page: &str, label: &str) {
    let start = page
        .find("<section class=\"comments\"")
        .expect("a comments section");
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    let section = scraper::Html::parse_fragment(&page[start..end]);
    for element in section.tree.nodes().filter_map(|n| n.value().as_element()) {
        let name = element.name();
        let in_form = matches!(name, "form" | "input" | "button" | "textarea" | "details");
        // The page's own forms (reply, report, post) are ours; the test
        // below makes sure comment bodies hold none.
        if !in_form {
            assert!(
                !FORBIDDEN_ELEMENTS.contains(&name),
                "{label}: <{name}> in\n{}",
                &page[start..end]
            );
        }
        for (attr, value) in element.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "{label}: {attr}= on <{name}>");
            assert!(
                attr != "style" && attr != "formaction" && attr != "srcdoc",
                "{label}: {attr}= on <{name}>"
            );
            if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "xlink:href" | "background" | "data"
            ) {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:")
                        || v.starts_with("vbscript:")
                        || v.starts_with("data:")),
                    "{label}: {attr}={value:?} on <{name}>"
                );
            }
        }
    }
    // Inside comment bodies, nothing but the allowed formatting tags.
    for body in section.select(&scraper::Selector::parse(".comment-body").unwrap()) {
        for element in body.descendants().filter_map(|n| n.value().as_element()) {
            assert!(
                [
                    "p",
                    "br",
                    "em",
                    "strong",
                    "del",
                    "code",
                    "pre",
                    "blockquote",
                    "ul",
                    "ol",
                    "li",
                    "a",
                    "div"
                ]
                .contains(&element.name()),
                "{label}: <{}> in a comment body",
                element.name()
            );
        }
    }
}

async fn hostile_comments_never_produce_executable_markup(db: &TestDatabase) {
    let site = site(db).await;
    let author = site
        .app
        .create_user("mallory", "mallory's password", Role::Moderator)
        .await
        .unwrap();
    let ip = tidings_app::ClientIp("192.0.2.1".into());
    // The vectors, then each wrapped in Markdown constructs and mixed with
    // each other: a few hundred hostile inputs.
    let mut inputs: Vec<String> = VECTORS.iter().map(|v| (*v).to_owned()).collect();
    for (i, v) in VECTORS.iter().enumerate() {
        inputs.push(format!("> {v}\n\n**{v}**"));
        inputs.push(format!(
            "- [{v}](https://x.example/{i})\n- {}",
            VECTORS[(i * 7 + 3) % VECTORS.len()]
        ));
        inputs.push(format!("<div>{v}</div>\n\n`{v}`"));
        inputs.push(v.to_uppercase());
    }
    assert!(inputs.len() >= 300, "{}", inputs.len());
    let mut visitor = Browser::new(&site.router);
    for (n, input) in inputs.iter().enumerate() {
        // Moderators are not rate-limited by the filter, but the posting
        // limits hold for everyone: space the posts out.
        site.clock.advance(TimeDelta::minutes(11));
        site.app
            .post_comment(
                &author,
                tidings_core::CommentTarget::Article(site.article),
                None,
                input,
                &ip,
            )
            .await
            .unwrap_or_else(|e| panic!("input {n} refused: {e}"));
        if n % 50 == 49 {
            let page = visitor
                .get(&format!("/articles/{}?sort=newest", site.article))
                .await;
            assert_inert(&page.body, &format!("after input {n}"));
        }
    }
    // Every page of the thread, as a visitor sees it.
    for page_number in 1..=inputs.len().div_ceil(50) {
        let page = visitor
            .get(&format!("/articles/{}?cpage={page_number}", site.article))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_inert(&page.body, &format!("page {page_number}"));
    }
    // And through the form, as a reader (who is rate-limited and filtered).
    let mut reader = Browser::new(&site.router);
    reader.sign_up("reader", "reader's password").await;
    for vector in VECTORS.iter().take(4) {
        let page = reader.comment(site.article, vector, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let page = reader
        .get(&format!("/articles/{}?sort=newest", site.article))
        .await;
    assert_inert(&page.body, "posted through the form");
}

async fn readers_save_follow_and_mark_read(db: &TestDatabase) {
    let site = site(db).await;
    let article = format!("/articles/{}", site.article);
    let mut visitor = Browser::new(&site.router);
    assert_eq!(visitor.get("/for-you").await.status, StatusCode::SEE_OTHER);
    assert_eq!(visitor.get("/saved").await.status, StatusCode::SEE_OTHER);
    assert!(!visitor.get(&article).await.body.contains("Save for later"));

    let mut anna = Browser::new(&site.router);
    anna.sign_up("anna", "anna's long password").await;
    let page = anna.get("/for-you").await;
    assert!(
        page.body.contains("Follow publishers and topics"),
        "{}",
        page.body
    );
    assert!(anna.get("/saved").await.body.contains("Nothing saved yet"));

    // Save it: the saved list has it; unsave: it is gone.
    let csrf = anna.token().await;
    let saved = anna
        .post(&format!("{article}/save"), &[("csrf", &csrf), ("on", "1")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(anna.get(&article).await.body.contains("Saved ✓"));
    assert!(
        anna.get("/saved")
            .await
            .body
            .contains("Harbour wall to be rebuilt")
    );
    anna.post(&format!("{article}/save"), &[("csrf", &csrf), ("on", "0")])
        .await;
    assert!(
        !anna
            .get("/saved")
            .await
            .body
            .contains("Harbour wall to be rebuilt")
    );

    // Follow its publisher: the personal front page lists its articles;
    // marked read, they leave the unread view.
    let source = site.app.article(site.article).await.unwrap().source_id;
    let page = anna.get(&format!("/sources/{source}")).await;
    assert!(page.body.contains(">Follow</button>"), "{}", page.body);
    anna.post(
        &format!("/sources/{source}/follow"),
        &[("csrf", &csrf), ("on", "1")],
    )
    .await;
    assert!(
        anna.get(&format!("/sources/{source}"))
            .await
            .body
            .contains("Following ✓")
    );
    let mine = anna.get("/for-you").await;
    assert!(
        mine.body.contains("Harbour wall to be rebuilt")
            && mine.body.contains("Following: <a href=\"/sources/"),
        "{}",
        mine.body
    );
    anna.post(&format!("{article}/read"), &[("csrf", &csrf), ("on", "1")])
        .await;
    assert!(anna.get(&article).await.body.contains("Read ✓"));
    assert!(
        anna.get("/for-you")
            .await
            .body
            .contains("Harbour wall to be rebuilt")
    );
    assert!(
        !anna
            .get("/for-you?unread=1")
            .await
            .body
            .contains("Harbour wall to be rebuilt")
    );
    // Another reader's marks are their own.
    let mut bob = Browser::new(&site.router);
    bob.sign_up("bob", "bob's long password").await;
    assert!(bob.get(&article).await.body.contains("Mark as read"));
    assert!(
        !bob.get("/for-you")
            .await
            .body
            .contains("Harbour wall to be rebuilt")
    );
    // Topics are followed by name.
    anna.post(
        "/topics/World%20news/follow",
        &[("csrf", &csrf), ("on", "1")],
    )
    .await;
    assert!(anna.get("/for-you").await.body.contains("World news"));
}
