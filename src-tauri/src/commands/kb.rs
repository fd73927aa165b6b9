//! Knowledge-base commands: search, categories, article lists and one article.

use tauri::State;

use crate::error::AppResult;
use crate::service_desk::{Article, ArticleCategory, ArticleHit};
use crate::state::AppState;

fn hit(h: guichet_store::ArticleHit) -> ArticleHit {
    ArticleHit {
        id: h.id.to_string(),
        title: h.title,
        summary: h.summary.unwrap_or_default(),
        category: h.category.unwrap_or_default(),
        snippet: h.snippet,
    }
}

/// Full-text search of the local knowledge base (offline); an empty query lists every article.
#[tauri::command]
#[specta::specta]
pub async fn kb_search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> AppResult<Vec<ArticleHit>> {
    let hits = if query.trim().is_empty() {
        let mut all = state.store.articles(None).await?;
        all.truncate(limit as usize);
        // A listing has no matched terms: no snippet, the UI shows the summary.
        all.into_iter()
            .map(|h| ArticleHit {
                snippet: String::new(),
                ..hit(h)
            })
            .collect()
    } else {
        state
            .store
            .search_articles(&query, limit as usize)
            .await?
            .into_iter()
            .map(hit)
            .collect()
    };
    Ok(hits)
}

/// Knowledge-base categories with their number of articles.
#[tauri::command]
#[specta::specta]
pub async fn kb_categories(state: State<'_, AppState>) -> AppResult<Vec<ArticleCategory>> {
    let cats = state.store.article_categories().await?;
    Ok(cats
        .into_iter()
        .map(|(name, n)| ArticleCategory {
            name,
            count: n as u32,
        })
        .collect())
}

/// Articles of one category, by title.
#[tauri::command]
#[specta::specta]
pub async fn kb_articles(
    state: State<'_, AppState>,
    category: String,
) -> AppResult<Vec<ArticleHit>> {
    let list = state.store.articles(Some(&category)).await?;
    Ok(list
        .into_iter()
        .map(|h| ArticleHit {
            snippet: String::new(),
            ..hit(h)
        })
        .collect())
}

/// One article (sanitised HTML; its images inlined as `data:` URLs).
#[tauri::command]
#[specta::specta]
pub async fn kb_article(state: State<'_, AppState>, id: String) -> AppResult<Article> {
    let a = guichet_core::article_for_display(&state.store, &id).await?;
    Ok(Article {
        id: a.id.to_string(),
        title: a.title,
        category: a.category.unwrap_or_default(),
        body_html: a.body_html,
        updated_at: a.updated_at,
    })
}
