// Send a mail through Gmail with a password, then read it back over POP3 and over IMAP.
// On a machine with no network and no account: fourmail run --sandbox examples/send-then-read.wl
Outgoing is emailSMTPSession
Outgoing.ServerAddress = "smtp.gmail.com"
Outgoing.Port = 587
Outgoing.Option = emailOptionSecuredTLS
Outgoing.Name = "wl@gmail.com"
Outgoing.Password = "XXXXXXXX"

Message is Email
Message.Sender = "wl@gmail.com"
Add(Message.Recipient, "test@gmail.com")
Message.Subject = "Hello from WLanguage"
Message.Message = "Sent by a WLanguage program, read back at once."

// Send (SMTP, STARTTLS on port 587)
IF NOT EmailStartSession(Outgoing) THEN
	Error("Cannot open the SMTP session", ErrorInfo())
	RETURN
END
IF EmailSendMessage(Outgoing, Message) = False THEN
	Error("Sending failed", ErrorInfo())
	EmailCloseSession(Outgoing)
	RETURN
END
Info("Sent: " + Message.Subject)
EmailCloseSession(Outgoing)

// Read it over POP3 (TLS from the start on port 995): walk the mailbox to its newest message
Incoming is emailPOP3Session
Incoming.ServerAddress = "pop.gmail.com"
Incoming.Port = 995
Incoming.Option = optionSSL
Incoming.Name = "test@gmail.com"
Incoming.Password = "XXXXXXXX"
IF EmailStartSession(Incoming) THEN
	Received is Email
	Count is int
	Newest is string
	IF EmailReadFirst(Incoming, Received) THEN
		LOOP
			Count++
			Newest = Received.Subject
			IF NOT EmailReadNext(Incoming, Received) THEN BREAK
		END
	END
	Info("POP3: " + Count + " messages, the newest: " + Newest)
	EmailCloseSession(Incoming)
ELSE
	Error("Cannot open the POP3 session", ErrorInfo())
END

// Read it over IMAP (TLS from the start on port 993): the messages not read yet
Mailbox is emailIMAPSession
Mailbox.ServerAddress = "imap.gmail.com"
Mailbox.Port = 993
Mailbox.Option = optionSSL
Mailbox.Name = "test@gmail.com"
Mailbox.Password = "XXXXXXXX"
IF EmailStartSession(Mailbox) THEN
	Unread is array of Emails
	Unread = EmailGetAll(Mailbox, ertNotRead)
	FOR EACH Mail OF Unread
		IF Mail.Subject = Message.Subject THEN
			Info("IMAP: from " + Mail.Sender + ": " + Mail.Message)
		END
	END
	EmailCloseSession(Mailbox)
ELSE
	Error("Cannot open the IMAP session", ErrorInfo())
END
