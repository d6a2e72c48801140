//! Pages read as a browser reads them: parsed into a DOM (html5ever, through
//! `scraper`) and asked with CSS selectors, so that a test says what it
//! looks for — "the error under the count field reads …", "the grid's
//! cell for 2026-Q4 of members-assembly is met" — instead of slicing the
//! markup between two strings.
//!
//! Text is compared as a reader sees it: the text of an element and all
//! inside it, with each run of white space read as one space and none at
//! either end.

use scraper::{ElementRef, Html, Selector};
use std::fmt;

/// A parsed page.
pub struct Dom {
    html: Html,
}

/// One element of a page, and a scope to select within.
#[derive(Clone, Copy)]
pub struct Element<'a>(ElementRef<'a>);

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("{css:?} is no CSS selector: {e:?}"))
}

/// A short piece of markup for a failure's message.
fn excerpt(html: &str) -> String {
    const MAX: usize = 4000;
    match html.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &html[..at]),
        None => html.to_owned(),
    }
}

/// What a page and each of its elements answer alike, built on their own
/// `select`, `first` and `markup`.
macro_rules! queries {
    ($lt:lifetime) => {
        /// The first element `css` matches; panics, showing the markup, without one.
        pub fn find(&self, css: &str) -> Element<$lt> {
            self.first(css).unwrap_or_else(|| panic!("nothing matches {css:?} in {}", excerpt(&self.markup())))
        }

        pub fn has(&self, css: &str) -> bool {
            self.first(css).is_some()
        }

        pub fn count(&self, css: &str) -> usize {
            self.select(css).len()
        }

        /// The text of the first element `css` matches (panics without one).
        pub fn select_text(&self, css: &str) -> String {
            self.find(css).text()
        }

        /// The texts of every element `css` matches.
        pub fn texts(&self, css: &str) -> Vec<String> {
            self.select(css).iter().map(Element::text).collect()
        }

        /// An attribute of the first element `css` matches.
        pub fn attr_of(&self, css: &str, name: &str) -> Option<&$lt str> {
            self.first(css).and_then(|e| e.attr(name))
        }

        /// The attribute `name` of every element `css` matches that has it.
        pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
            self.select(css).iter().filter_map(|e| e.attr(name).map(str::to_owned)).collect()
        }

        /// The `href` of every link, in order.
        pub fn hrefs(&self) -> Vec<&$lt str> {
            self.select("a[href]").iter().filter_map(|a| a.attr("href")).collect()
        }

        /// Whether a link (`<a href>`) leads to exactly `href`.
        pub fn links_to(&self, href: &str) -> bool {
            self.hrefs().contains(&href)
        }

        /// Whether its text, as a reader sees it, holds `words`.
        pub fn says(&self, words: &str) -> bool {
            self.text().contains(words)
        }
    };
}

impl Dom {
    pub fn parse(html: &str) -> Dom {
        Dom { html: Html::parse_document(html) }
    }

    /// Every element `css` matches, in the page's order (`html` included).
    pub fn select(&self, css: &str) -> Vec<Element<'_>> {
        self.html.select(&selector(css)).map(Element).collect()
    }

    /// The first element `css` matches, if any.
    pub fn first(&self, css: &str) -> Option<Element<'_>> {
        self.html.select(&selector(css)).next().map(Element)
    }

    fn markup(&self) -> String {
        self.html.html()
    }

    queries!('_);

    /// An attribute of the first element `css` matches.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.attr_of(css, name).map(str::to_owned)
    }

    /// The list item (`<li>`) around the first link to exactly `href`;
    /// panics, showing the page, without one.
    pub fn item_linking_to(&self, href: &str) -> Element<'_> {
        self.find(&format!("a[href=\"{href}\"]")).closest("li").unwrap_or_else(|| panic!("the link to {href} is in no list item"))
    }

    /// The text of the page's body, as a reader sees it.
    pub fn text(&self) -> String {
        self.first("body").unwrap_or(Element(self.html.root_element())).text()
    }
}

impl<'a> Element<'a> {
    /// Every element inside this one that `css` matches.
    pub fn select(&self, css: &str) -> Vec<Element<'a>> {
        self.0.select(&selector(css)).map(Element).collect()
    }

    pub fn first(&self, css: &str) -> Option<Element<'a>> {
        self.0.select(&selector(css)).next().map(Element)
    }

    fn markup(&self) -> String {
        self.0.html()
    }

    queries!('a);

    /// Its text and that of everything inside it, as a reader sees it.
    pub fn text(&self) -> String {
        self.0.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.0.value().attr(name)
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.0.value().classes().any(|c| c == class)
    }

    /// The nearest element around it (not itself) that `css` matches.
    pub fn closest(&self, css: &str) -> Option<Element<'a>> {
        let selector = selector(css);
        self.0.ancestors().filter_map(ElementRef::wrap).find(|e| selector.matches(e)).map(Element)
    }
}

/// Its markup, for a failure's message.
impl fmt::Display for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&excerpt(&self.markup()))
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
