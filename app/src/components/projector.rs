//! What the projector shows: the join screen, one group's board, all groups
//! side by side, the joint ranking, or the timer — whatever the moderator
//! chose (`SessionSettings::stage`), live over the moderator's channel.

use super::board::{grid_columns, grid_place};
use super::figures::Figures;
use super::kivo::KivoBadge;
use super::portfolio::Portfolio;
use super::steering::TimerDisplay;
use crate::api::{GroupView, PublicSession};
use crate::domain::board::{board_id, BoardState};
use crate::domain::evaluation::rounding::{mean_text, rank_text, score_text};
use crate::domain::evaluation::view::{evaluate_group, evaluate_joint, JointEvaluation, JointIdea};
use crate::domain::settings::SessionSettings;
use crate::domain::steering::Stage;
use crate::domain::templates::{self, Template};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The projected screen: follows the moderator's stage; the timer is shown
/// in a corner whenever one is set.
#[component]
pub fn StageView(sync: LiveSync, session: PublicSession) -> AnyView {
    let i18n = use_i18n();
    let session = StoredValue::new(session);
    let stage = Memo::new(move |_| sync.settings.with(|s| s.stage.clone()));
    view! {
        <div class="stage" data-testid="stage" data-stage=move || stage_kind(&stage.get())>
            {move || match stage.get() {
                Stage::Join => view! { <JoinScreen session=session.get_value() /> }.into_any(),
                Stage::Board { group_id, template } => {
                    let group = session.with_value(|s| s.groups.iter().find(|g| g.id == group_id).cloned());
                    match (group, templates::find(&template)) {
                        (Some(group), Some(template)) => {
                            view! { <GroupBoard sync group template /> }.into_any()
                        }
                        _ => view! { <JoinScreen session=session.get_value() /> }.into_any(),
                    }
                }
                Stage::AllGroups { template } => match templates::find(&template) {
                    Some(template) => {
                        let groups = session.with_value(|s| s.groups.clone());
                        view! {
                            <h1>{move || method_texts::title(i18n.get_locale(), template)}</h1>
                            <div class="all-groups">
                                {groups
                                    .into_iter()
                                    .map(|group| view! { <GroupBoard sync group template /> })
                                    .collect_view()}
                            </div>
                        }
                        .into_any()
                    }
                    None => view! { <JoinScreen session=session.get_value() /> }.into_any(),
                },
                Stage::JointRanking => {
                    view! { <JointRanking sync groups=session.with_value(|s| s.groups.clone()) /> }.into_any()
                }
                Stage::Timer => view! { <div class="stage-timer"><TimerDisplay sync large=true /></div> }.into_any(),
            }}
            <Show when=move || !matches!(stage.get(), Stage::Timer)>
                <div class="corner-timer"><TimerDisplay sync /></div>
            </Show>
        </div>
    }
    .into_any()
}

fn stage_kind(stage: &Stage) -> &'static str {
    match stage {
        Stage::Join => "join",
        Stage::Board { .. } => "board",
        Stage::AllGroups { .. } => "all_groups",
        Stage::JointRanking => "joint_ranking",
        Stage::Timer => "timer",
    }
}

/// Join code in very large type, the link and a QR code made by the server.
#[component]
pub fn JoinScreen(session: PublicSession) -> AnyView {
    let i18n = use_i18n();
    let link = format!("{}/join/{}", crate::client::origin(), session.join_code);
    let qr = format!("/api/join/{}/qr.svg", session.join_code);
    let spaced = session
        .join_code
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 3 {
                format!(" {c}")
            } else {
                c.to_string()
            }
        })
        .collect::<String>();
    view! {
        <div class="join-screen">
            <h1>{session.title.clone()}</h1>
            <p class="join-how">{t!(i18n, projector.join_how)}</p>
            <p class="join-big" data-testid="projector-code">{spaced}</p>
            <p class="join-link">{link.clone()}</p>
            <img class="qr" src=qr alt=t_string!(i18n, projector.qr_alt, link = link).to_string() width="280" height="280" />
        </div>
    }
    .into_any()
}

fn board_of(sync: LiveSync, id: String) -> Signal<BoardState> {
    Signal::derive(move || {
        sync.boards
            .with(|boards| boards.get(&id).cloned().unwrap_or_default())
    })
}

/// One group's board, read-only and in large type.
#[component]
fn GroupBoard(sync: LiveSync, group: GroupView, template: &'static Template) -> AnyView {
    let id = board_id(&group.id, template.key);
    let board = board_of(sync, id.clone());
    let id = StoredValue::new(id);
    view! {
        <section class="group-board" style=format!("--group-colour: {}", group.colour)>
            <h2>{group.name.clone()}</h2>
            <StaticBoard board settings=sync.settings template />
            <Figures sync board=id template />
        </section>
    }
    .into_any()
}

/// A board's header text and sections with their cards' texts (and what a
/// card draws on, named by its field), nothing to click.
#[component]
pub fn StaticBoard(
    board: Signal<BoardState>,
    #[prop(into)] settings: Signal<SessionSettings>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let header = template.header.map(|_| {
        view! {
            <p class="static-subject">
                <strong>
                    {move || method_texts::header(i18n.get_locale(), template).unwrap_or_default().0}
                    ": "
                </strong>
                {move || board.with(|b| b.subject.clone())}
            </p>
        }
    });
    view! {
        <div
            class=format!("static-board static-{}", template.key)
            class:grid=grid_columns(template).is_some()
            style=grid_columns(template)
        >
            {header}
            {template
                .sections
                .iter()
                .map(|section| {
                    let shown = move || settings.with(|s| board.with(|b| s.section_shown(section, b)));
                    let cards = move || {
                        board.with(|b| {
                            // The fixed items of an untouched board too.
                            let b = &b.materialised(template);
                            b.cards(section.id)
                                .iter()
                                .map(|c| {
                                    let links: Vec<String> = c
                                        .links
                                        .iter()
                                        .filter_map(|l| b.find(l))
                                        .map(|(field, _, t)| {
                                            method_texts::card_name(i18n.get_locale(), template, field, &t.text)
                                        })
                                        .collect();
                                    let label = method_texts::card_label(i18n.get_locale(), template, c);
                                    let text = match &c.item {
                                        Some(_) if !c.text.is_empty() => format!("{label}: {}", c.text),
                                        _ => label,
                                    };
                                    // A KI idea's pre-check class, as beside its Nutzwert.
                                    let kivo = section
                                        .questions
                                        .and_then(|_| crate::domain::kivo::result(c));
                                    (text, links.join(" · "), kivo)
                                })
                                .collect::<Vec<_>>()
                        })
                    };
                    view! {
                        <Show when=shown>
                            <div class="static-section" style=grid_place(template, section)>
                                <h3>{move || method_texts::section_label(i18n.get_locale(), template, section)}</h3>
                                <ul>
                                    {move || {
                                        cards()
                                            .into_iter()
                                            .map(|(text, links, kivo)| {
                                                let badge = kivo.map(|k| {
                                                    view! { " " <KivoBadge result=Signal::stored(Some(k)) /> }
                                                });
                                                view! {
                                                    <li>
                                                        {text}
                                                        {badge}
                                                        {(!links.is_empty())
                                                            .then(|| view! { <small class="static-links">{links}</small> })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                </ul>
                            </div>
                        </Show>
                    }
                })
                .collect_view()}
        </div>
    }
    .into_any()
}

/// The engine's joint ranking of `groups` under the moderator's weights and
/// merges, kept live (the projector's and the moderator's).
pub fn joint_evaluation(
    sync: LiveSync,
    groups: StoredValue<Vec<GroupView>>,
) -> Memo<Option<JointEvaluation>> {
    Memo::new(move |_| {
        let (weights, merges) = sync
            .settings
            .with(|s| (s.weights.clone(), s.merges.clone()));
        let evaluations = sync.boards.with(|boards| {
            groups.with_value(|groups| {
                groups
                    .iter()
                    .filter_map(|g| {
                        let board = boards.get(&board_id(&g.id, templates::KI.key))?;
                        let evaluation = evaluate_group(board, &templates::KI, &weights).ok()?;
                        Some((g.id.clone(), evaluation))
                    })
                    .collect::<Vec<_>>()
            })
        });
        evaluate_joint(
            templates::KI.criteria,
            evaluations.iter().map(|(id, e)| (id.as_str(), e)),
            &weights,
            &merges,
        )
        .ok()
    })
}

/// All groups' ideas in one ranking (each group counts once per idea, see
/// `evaluation::joint`) and one portfolio, as the engine computes them.
#[component]
pub fn JointRanking(sync: LiveSync, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    let groups = StoredValue::new(groups);
    let joint = joint_evaluation(sync, groups);
    let group_names = move |ids: &[String]| {
        groups.with_value(|groups| {
            ids.iter()
                .filter_map(|id| groups.iter().find(|g| &g.id == id).map(|g| g.name.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let chart = Signal::derive(move || joint.with(|j| j.as_ref().and_then(|j| j.chart.clone())));
    let revealed = move || sync.settings.with(|s| s.ratings_revealed);
    view! {
        <h1>{t!(i18n, projector.joint_ranking)}</h1>
        <Show when=revealed fallback=move || view! { <p class="stage-note">{t!(i18n, projector.hidden)}</p> }>
            <div class="joint">
                <table class="ranking" data-testid="joint-ranking">
                    <caption class="visually-hidden">{t!(i18n, projector.joint_ranking)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, ideas.rank)}</th>
                            <th scope="col">{t!(i18n, ideas.idea)}</th>
                            <th scope="col">{t!(i18n, projector.groups)}</th>
                            <th scope="col">{t!(i18n, ideas.score)}</th>
                            {templates::KI.criteria.iter().map(|c| view! { <th scope="col">{move || crate::method_texts::criterion_label(i18n.get_locale(), c)}</th> }).collect_view()}
                            <th scope="col">{t!(i18n, ideas.quadrant)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || joint.get().map(|j| j.ideas).unwrap_or_default().into_iter().map(|idea: JointIdea| {
                            let r = idea.row;
                            view! {
                                <tr data-idea=r.title.clone()>
                                    <td data-testid="rank">{rank_text(r.rank)}</td>
                                    <th scope="row">
                                        {r.title.clone()}
                                        {(!r.merged.is_empty()).then(|| {
                                            let titles = r.merged.join(", ");
                                            view! {
                                                <small class="merged" data-testid="merged">
                                                    " (" {t!(i18n, cockpit.merged_with, titles = titles)} ")"
                                                </small>
                                            }
                                        })}
                                    </th>
                                    <td>{group_names(&r.groups)}</td>
                                    <td class="num" data-testid="score">{score_text(r.score)}</td>
                                    {r.criterion_means.into_iter().map(|m| view! {
                                        <td class="num">{mean_text(m)}</td>
                                    }).collect_view()}
                                    <td>
                                        {move || idea.placement.quadrant.map_or_else(
                                            || "–".to_owned(),
                                            |q| method_texts::quadrant(i18n.get_locale(), q),
                                        )}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <Portfolio chart />
            </div>
            <p class="hint">{t!(i18n, projector.joint_rule)}</p>
        </Show>
    }
    .into_any()
}
