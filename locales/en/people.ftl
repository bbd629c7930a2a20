# The words of the People page, the invite page and the role refusal.

role-viewer = viewer
role-editor = editor
role-organizer = organizer
role-admin = admin
# A plain-text answer to a request that needs a higher role.
role-needed = This needs the role { $role }: ask an administrator.
people-explained = One account per person. Roles: <b>viewer</b> (figures, charts, exports, report, lobby); <b>editor</b> (and edit stories, covers, phases; import); <b>organizer</b> (and switch phases, make and revoke share links); <b>admin</b> (everything, server-wide only: people, backups, restore, every exhibition). A role is granted server-wide, or as <code>editor@exhibition-id</code> for one exhibition; an exhibition the person holds no role in does not exist for them. Disabling a person or changing their roles ends their sessions at once, on every replica.
made-for = For
made-note = An invite link opens for 72 hours, once; an API token goes in <code>Authorization: Bearer TOKEN</code>.
invite-account = Account:
invite-done-name = Your account name:
invite-done = You can now <a href="/login">log in</a> with it and your new password. This invite link no longer opens.
invite-unknown = This invite link opens nothing: it was used, replaced, or mistyped.
invite-expired = This invite link has expired: ask an administrator for a new one.
