/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// Geometry of the drawing, in SVG user units.
const COLUMN_WIDTH = 190;
const ROW_HEIGHT = 160;
const MARGIN_LEFT = 120; // room for the influence labels of the bands
const MARGIN_TOP = 20;
const MARGIN_X = 40;
const MAX_PER_ROW = 6;

const ATTITUDE_ORDER = { supporter: 0, neutral: 1, opponent: 2 };

function clampInfluence(influence) {
    return Math.max(1, Math.min(5, influence || 1));
}

export function nodeRadius(influence) {
    return 18 + 4 * clampInfluence(influence);
}

export function initials(name) {
    const words = (name || "?").trim().split(/\s+/);
    const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : words[0].slice(0, 2);
    return letters.toUpperCase();
}

/**
 * Deterministic layout: one band per influence level, the most influential on
 * top. In a band, people sit under the people they are linked to (barycentre
 * of the bands above), ties broken by decision makers first, then attitude and
 * name. Successive bands are shifted by a quarter column so that an arrow
 * between two bands does not run through the person in between.
 */
export function layoutMap(members, edges = []) {
    const neighbours = {};
    for (const edge of edges) {
        (neighbours[edge.source] ||= []).push(edge.target);
        (neighbours[edge.target] ||= []).push(edge.source);
    }
    const bands = [];
    for (let level = 5; level >= 1; level--) {
        const people = members
            .filter((m) => clampInfluence(m.influence) === level)
            .sort(
                (a, b) =>
                    Number(b.is_decision_maker) - Number(a.is_decision_maker) ||
                    ATTITUDE_ORDER[a.attitude] - ATTITUDE_ORDER[b.attitude] ||
                    a.name.localeCompare(b.name)
            );
        for (let start = 0; start < people.length; start += MAX_PER_ROW) {
            bands.push({ level, people: people.slice(start, start + MAX_PER_ROW), first: start === 0 });
        }
    }
    const widest = Math.max(1, ...bands.map((band) => band.people.length));
    const width = MARGIN_LEFT + (widest + 0.5) * COLUMN_WIDTH + MARGIN_X;
    const height = MARGIN_TOP + Math.max(1, bands.length) * ROW_HEIGHT + 10;
    const placed = {};
    const nodes = [];
    const rows = [];
    bands.forEach((band, index) => {
        const top = MARGIN_TOP + index * ROW_HEIGHT;
        const y = top + 58;
        // Barycentre ordering against the people already placed above.
        const order = band.people.map((member, rank) => {
            const xs = (neighbours[member.id] || []).filter((id) => id in placed).map((id) => placed[id]);
            const centre = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
            return { member, rank, centre };
        });
        if (order.some((item) => item.centre !== null)) {
            const fallback = MARGIN_LEFT + (widest * COLUMN_WIDTH) / 2;
            order.sort(
                (a, b) => (a.centre ?? fallback) - (b.centre ?? fallback) || a.rank - b.rank
            );
        }
        const shift = [0, 0.25, -0.25][index % 3] * COLUMN_WIDTH;
        const offset =
            MARGIN_LEFT + COLUMN_WIDTH / 4 + ((widest - band.people.length) * COLUMN_WIDTH) / 2 + shift;
        rows.push({
            key: `${band.level}-${index}`,
            level: band.level,
            first: band.first,
            y,
            top,
            height: ROW_HEIGHT,
            odd: index % 2 === 1,
        });
        order.forEach(({ member }, column) => {
            const x = offset + column * COLUMN_WIDTH + COLUMN_WIDTH / 2;
            placed[member.id] = x;
            nodes.push({
                ...member,
                x,
                y,
                r: nodeRadius(member.influence),
                initials: initials(member.name),
            });
        });
    });
    return { nodes, rows, width, height };
}

/** A curved arrow from the rim of one node to the rim of another. */
export function edgePath(source, target) {
    const dx = target.x - source.x;
    const dy = target.y - source.y;
    const length = Math.hypot(dx, dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    const start = { x: source.x + ux * (source.r + 3), y: source.y + uy * (source.r + 3) };
    const end = { x: target.x - ux * (target.r + 9), y: target.y - uy * (target.r + 9) };
    // Bend to the left of the direction of travel, more for long arrows: A→B
    // and B→A do not overlap, and long arrows go round the people in between.
    const bend = Math.min(110, 16 + length / 4);
    const control = {
        x: (start.x + end.x) / 2 + uy * bend,
        y: (start.y + end.y) / 2 - ux * bend,
    };
    return `M ${start.x.toFixed(1)} ${start.y.toFixed(1)} Q ${control.x.toFixed(1)} ${control.y.toFixed(1)} ${end.x.toFixed(1)} ${end.y.toFixed(1)}`;
}

export class KamRelationshipMap extends Component {
    static template = "kam_management.RelationshipMap";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const params = this.props.action.params || {};
        const context = this.props.action.context || {};
        this.state = useState({
            partnerId: params.partner_id || context.active_id || false,
            data: null,
            accounts: [],
            hoveredId: false,
            loading: true,
        });
        this.display = { controlPanel: {} };
        this.influenceLabels = {
            5: _t("Decisive"),
            4: _t("Strong"),
            3: _t("Moderate"),
            2: _t("Weak"),
            1: _t("Marginal"),
        };
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        if (this.state.partnerId) {
            this.state.data = await this.orm.call("kam.dmu.member", "get_relationship_map_data", [
                this.state.partnerId,
            ]);
        } else {
            this.state.data = null;
            this.state.accounts = await this.orm.call(
                "kam.dmu.member",
                "get_relationship_map_accounts",
                []
            );
        }
        this.state.loading = false;
    }

    get layout() {
        return layoutMap(this.state.data?.members || [], this.state.data?.edges || []);
    }

    edgesFor(layout) {
        const byId = Object.fromEntries(layout.nodes.map((node) => [node.id, node]));
        return (this.state.data?.edges || [])
            .filter((edge) => byId[edge.source] && byId[edge.target])
            .map((edge) => ({
                key: `${edge.source}-${edge.target}`,
                source: edge.source,
                target: edge.target,
                path: edgePath(byId[edge.source], byId[edge.target]),
                highlighted:
                    this.state.hoveredId === edge.source || this.state.hoveredId === edge.target,
            }));
    }

    get summary() {
        const members = this.state.data?.members || [];
        const count = (attitude) => members.filter((m) => m.attitude === attitude).length;
        return {
            supporters: count("supporter"),
            neutrals: count("neutral"),
            opponents: count("opponent"),
            decisionMakers: members.filter((m) => m.is_decision_maker).map((m) => m.name),
        };
    }

    nodeTitle(node) {
        const lines = [node.name];
        if (node.function) {
            lines.push(node.function);
        }
        if (node.roles.length) {
            lines.push(node.roles.map((role) => role.name).join(", "));
        }
        lines.push(
            `${_t("Attitude")}: ${node.attitude_label}`,
            `${_t("Relationship")}: ${node.stage_label}`,
            `${_t("Influence")}: ${node.influence}/5 · ${_t("Involvement")}: ${node.involvement}/5`
        );
        if (node.channel_label) {
            lines.push(`${_t("Preferred channel")}: ${node.channel_label}`);
        }
        if (node.last_contact_date) {
            // in the user's date format, as everywhere else
            lines.push(`${_t("Last contact")}: ${formatDate(deserializeDate(node.last_contact_date))}`);
        }
        return lines.join("\n");
    }

    rolesLabel(node) {
        const label = node.roles.map((role) => role.name).join(" · ") || node.function;
        return label.length > 30 ? `${label.slice(0, 29)}…` : label;
    }

    shortName(node) {
        return node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name;
    }

    isDimmed(node) {
        const hovered = this.state.hoveredId;
        if (!hovered || hovered === node.id) {
            return false;
        }
        return !(this.state.data?.edges || []).some(
            (edge) =>
                (edge.source === hovered && edge.target === node.id) ||
                (edge.target === hovered && edge.source === node.id)
        );
    }

    onHover(nodeId) {
        this.state.hoveredId = nodeId;
    }

    async openMember(node) {
        await this.action.doAction(
            {
                type: "ir.actions.act_window",
                res_model: "kam.dmu.member",
                res_id: node.id,
                views: [[false, "form"]],
                target: "new",
            },
            { onClose: () => this.load() }
        );
    }

    async addMember() {
        await this.action.doAction(
            {
                type: "ir.actions.act_window",
                name: _t("New DMU Member"),
                res_model: "kam.dmu.member",
                views: [[false, "form"]],
                target: "new",
                context: { default_partner_id: this.state.partnerId },
            },
            { onClose: () => this.load() }
        );
    }

    async openDossier() {
        const action = await this.orm.call("res.partner", "action_open_kam_dossier", [
            [this.state.partnerId],
        ]);
        await this.action.doAction(action);
    }

    async selectAccount(accountId) {
        this.state.partnerId = accountId;
        await this.load();
    }
}

registry.category("actions").add("kam_relationship_map", KamRelationshipMap);
