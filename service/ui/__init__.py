"""The workspace: server-rendered pages at /ui for compliance teams (README "Workspace")."""
