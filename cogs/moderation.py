"""Moderator tools on aliases: /mod warn, timeout, remove, allow, delete, history, flags, ack, resolve,
audit, reveal.

Every action needs the moderator role and a reason, and lands in the append-only audit log. The
Discord step runs first; the database change and its audit entry are written together after it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.errors import UserError
from bot.core.flags import state_note
from bot.core.moderation import DISCORD_REASON, Action
from bot.core.notify import Note
from bot.core.reveal import result_text
from bot.discord_ui import send_note
from cogs._autocomplete import alias_choices, group_choices
from cogs._checks import MODERATOR_PERMISSIONS, NotModerator, actor_pseudonym, is_moderator, member_is_moderator
from cogs._discord_relay import WebhookRelay
from cogs._perms import forbidden_text

log = logging.getLogger(__name__)

INTERACTION_LIFETIME = timedelta(minutes=14)  # Discord interaction tokens last 15 minutes


@app_commands.guild_only()
@app_commands.default_permissions(MODERATOR_PERMISSIONS)
class ModerationCog(commands.GroupCog, group_name="mod", group_description="Moderator tools"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services
        # Reveal requests whose requester can still be answered privately: id → (interaction, asked at).
        self._waiting: dict[int, tuple[discord.Interaction, datetime]] = {}
        self.webhooks = WebhookRelay(bot)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.route_choice("reveal", self.on_reveal_choice)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop("reveal", None)

    async def _member(self, guild: discord.Guild, user_id: int) -> discord.Member:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                raise UserError("That member is no longer in this server.") from None
        return member

    async def _finish(self, interaction: discord.Interaction, action: Action) -> None:
        assert interaction.guild is not None
        done = await self.services.moderation.finish(action, actor_pseudonym(interaction), self.bot.notifier,
                                                     server_name=interaction.guild.name)
        await send_note(interaction, done, ephemeral=True)

    # -- actions on an alias ----------------------------------------------------------------------

    @app_commands.command(name="warn", description="Send a member a kind, private warning")
    @app_commands.describe(alias="Her alias", reason="What it is about (she sees this)")
    @is_moderator()
    async def warn(self, interaction: discord.Interaction, alias: str, reason: str) -> None:
        assert interaction.guild is not None
        action = await self.services.moderation.plan_warn(interaction.guild.id, alias, reason)
        await self._finish(interaction, action)

    warn.autocomplete("alias")(alias_choices)

    @app_commands.command(name="timeout",
                          description="Pause a member's posting, DMs to the bot included (a Discord timeout)")
    @app_commands.describe(alias="Her alias", minutes="How long (1 to 40320)", reason="Why (she sees this)")
    @is_moderator()
    async def timeout(self, interaction: discord.Interaction, alias: str, minutes: int, reason: str) -> None:
        guild = interaction.guild
        assert guild is not None
        action = await self.services.moderation.plan_timeout(guild.id, alias, minutes, reason)
        member = await self._member(guild, action.target.user_id)
        try:
            await member.timeout(timedelta(minutes=minutes), reason=DISCORD_REASON)
        except discord.Forbidden:
            raise UserError(forbidden_text(guild, None, ("moderate_members",), "time her out")) from None
        await self._finish(interaction, action)

    timeout.autocomplete("alias")(alias_choices)

    @app_commands.command(name="remove", description="Remove a member from a group")
    @app_commands.describe(alias="Her alias", group="The group", reason="Why (she sees this)")
    @is_moderator()
    async def remove(self, interaction: discord.Interaction, alias: str, group: str, reason: str) -> None:
        guild = interaction.guild
        assert guild is not None
        action = await self.services.moderation.plan_remove(guild.id, alias, group, reason)
        assert action.group is not None
        role = guild.get_role(action.group.role_id or 0)
        member = guild.get_member(action.target.user_id)
        if role is not None and member is not None:
            try:
                await member.remove_roles(role, reason=DISCORD_REASON)
            except discord.Forbidden:
                raise UserError(forbidden_text(guild, None, ("manage_roles",), "take the group role away")) from None
        await self._finish(interaction, action)

    remove.autocomplete("alias")(alias_choices)
    remove.autocomplete("group")(group_choices)

    @app_commands.command(name="allow", description="Let a removed member join a group again (lifts /mod remove)")
    @app_commands.describe(alias="Her alias", group="The group she was removed from",
                           reason="Why (recorded in the audit log)")
    @is_moderator()
    async def allow(self, interaction: discord.Interaction, alias: str, group: str, reason: str) -> None:
        assert interaction.guild is not None
        action = await self.services.moderation.plan_allow(interaction.guild.id, alias, group, reason)
        await self._finish(interaction, action)

    allow.autocomplete("alias")(alias_choices)
    allow.autocomplete("group")(group_choices)

    @app_commands.command(name="delete", description="Delete a relayed post")
    @app_commands.describe(post="The post number (e.g. 14) or its message link", reason="Why")
    @is_moderator()
    async def delete(self, interaction: discord.Interaction, post: str, reason: str) -> None:
        guild = interaction.guild
        assert guild is not None
        here = await self.services.groups.by_channel(guild.id, interaction.channel_id or 0)
        action = await self.services.moderation.plan_delete(guild.id, post, reason, here.id if here else None)
        assert action.post is not None
        channel_id = action.post.channel_id or 0
        try:
            await self.webhooks.delete(channel_id, await self.services.relay.message_ids(action.post.id))
        except discord.Forbidden:
            channel = guild.get_channel(channel_id)
            raise UserError(forbidden_text(guild, channel if isinstance(channel, discord.TextChannel) else None,
                                           ("manage_messages",), "delete that post")) from None
        await self._finish(interaction, action)

    # -- looking things up ------------------------------------------------------------------------

    @app_commands.command(name="history", description="A member's case history: flags and moderator actions")
    @app_commands.describe(alias="Her alias")
    @is_moderator()
    async def history(self, interaction: discord.Interaction, alias: str) -> None:
        assert interaction.guild is not None
        await send_note(interaction, await self.services.moderation.history(interaction.guild.id, alias))

    history.autocomplete("alias")(alias_choices)

    @app_commands.command(name="flags", description="Open reports and alerts")
    @is_moderator()
    async def flags(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await send_note(interaction, await self.services.moderation.flags_note(interaction.guild.id))

    @app_commands.command(name="ack", description="Acknowledge a flag: you're looking into it")
    @app_commands.describe(flag="The flag number")
    @is_moderator()
    async def ack(self, interaction: discord.Interaction, flag: int) -> None:
        assert interaction.guild is not None
        done = await self.services.flags.acknowledge(interaction.guild.id, flag, actor_pseudonym(interaction))
        await send_note(interaction, state_note(done))

    @app_commands.command(name="resolve", description="Resolve a flag")
    @app_commands.describe(flag="The flag number", reason="What was done")
    @is_moderator()
    async def resolve(self, interaction: discord.Interaction, flag: int, reason: str) -> None:
        assert interaction.guild is not None
        done = await self.services.flags.resolve(interaction.guild.id, flag, actor_pseudonym(interaction), reason)
        await send_note(interaction, state_note(done))

    @app_commands.command(name="audit", description="Recent moderator actions")
    @is_moderator()
    async def audit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await send_note(interaction, await self.services.moderation.audit_note(interaction.guild.id))

    # -- safeguarding reveal ----------------------------------------------------------------------

    @app_commands.command(name="reveal", description="Safeguarding: see who is behind an alias (needs a 2nd moderator)")
    @app_commands.describe(alias="Her alias", reason="The safeguarding reason (recorded)")
    @is_moderator()
    async def reveal(self, interaction: discord.Interaction, alias: str, reason: str) -> None:
        guild = interaction.guild
        assert guild is not None
        if (await self.services.guilds.get(guild.id)).mod_log_channel_id is None:
            raise UserError("A reveal needs a second moderator to approve in the moderator log, and none is set: "
                            "use /setup configure first.")
        request = await self.services.reveals.request(guild.id, actor_pseudonym(interaction), alias, reason)
        if not await self.bot.notifier.send_mod_log(guild.id, self.services.reveals.request_note(request)):
            raise UserError(f"Reveal request #{request.id} is recorded, but I couldn't post it in the moderator log. "
                            "Please check I can send messages there.")
        self._waiting[request.id] = (interaction, self.services.clock.now())
        await send_note(interaction, Note(
            f"Reveal request #{request.id} is in the moderator log. A second moderator has until "
            f"{request.expires_at[11:16]} UTC to approve. The result will appear here, only for you; if this "
            f"message has gone by then, run /mod reveal-result {request.id}."))

    reveal.autocomplete("alias")(alias_choices)

    @app_commands.command(name="reveal-result", description="See the result of your approved reveal request")
    @app_commands.describe(request="The reveal request number")
    @is_moderator()
    async def reveal_result(self, interaction: discord.Interaction, request: int) -> None:
        assert interaction.guild is not None
        found, target = await self.services.reveals.result(interaction.guild.id, request, actor_pseudonym(interaction))
        await send_note(interaction, Note(result_text(found, target)), ephemeral=True)

    async def on_reveal_choice(self, interaction: discord.Interaction, rest: str) -> None:
        action, _, number = rest.partition(":")
        if action != "approve" or not number.isdigit():
            raise UserError("This button is not recognised any more.")
        try:
            await member_is_moderator(interaction)
        except NotModerator as exc:
            raise UserError(exc.message) from None
        assert interaction.guild is not None
        request, target = await self.services.reveals.approve(interaction.guild.id, int(number),
                                                              actor_pseudonym(interaction))
        await interaction.response.edit_message(
            content=f"🔐 Reveal request #{request.id} for **{request.target_alias}** was approved by a second "
                    "moderator. The result was shown only to the two moderators.", view=None)
        await send_note(interaction, Note(result_text(request, target)), ephemeral=True)
        if not await self._answer_requester(request.id, result_text(request, target)):
            await send_note(interaction, Note(
                f"The moderator who asked can no longer be answered directly: please let her know she can run "
                f"/mod reveal-result {request.id} before {request.expires_at[11:16]} UTC."), ephemeral=True)

    async def _answer_requester(self, request_id: int, text: str) -> bool:
        waiting = self._waiting.pop(request_id, None)
        if waiting is None:
            return False
        original, asked_at = waiting
        if self.services.clock.now() - asked_at >= INTERACTION_LIFETIME:
            return False
        try:
            await original.followup.send(text, ephemeral=True)
        except discord.HTTPException:
            log.info("Could not answer the requester of reveal #%s directly", request_id)
            return False
        return True


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(ModerationCog(bot))
