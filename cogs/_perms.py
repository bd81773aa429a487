"""Naming the permission the bot lacks, so moderators know exactly what to fix."""

from __future__ import annotations

import discord

PERMISSION_NAMES = {
    "manage_roles": "Manage Roles",
    "manage_channels": "Manage Channels",
    "manage_webhooks": "Manage Webhooks",
    "manage_messages": "Manage Messages",
    "moderate_members": "Moderate Members",
    "send_messages": "Send Messages",
}


def missing_permissions(guild: discord.Guild, channel: discord.abc.GuildChannel | None, needed: tuple[str, ...]
                        ) -> list[str]:
    here = channel.permissions_for(guild.me) if channel is not None else guild.me.guild_permissions
    return [PERMISSION_NAMES[name] for name in needed if not getattr(here, name)]


def forbidden_text(guild: discord.Guild, channel: discord.abc.GuildChannel | None, needed: tuple[str, ...],
                   action: str) -> str:
    """A clear sentence for moderators after discord.Forbidden."""
    missing = missing_permissions(guild, channel, needed)
    where = f" in {channel.mention}" if channel is not None else ""
    if missing:
        return (f"I couldn't {action}: I'm missing the **{', '.join(missing)}** permission{where}. "
                "Please ask a server admin to give my role that permission.")
    return (f"I couldn't {action}: Discord refused, although I seem to have the "
            f"{', '.join(PERMISSION_NAMES[n] for n in needed)} permission. My role is probably below the role "
            "I need to change: please move my role higher in Server Settings → Roles.")
