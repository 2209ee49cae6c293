// Envoie un e-mail par Gmail avec un mot de passe, puis le relit en POP3 et en IMAP.
// Sans réseau ni compte : fourmail run --sandbox examples/envoie-puis-lit.wl
Sortant est un emailSessionSMTP
Sortant.AdresseServeur = "smtp.gmail.com"
Sortant.Port = 587
Sortant.Option = emailOptionSécuriséTLS
Sortant.Nom = "wl@gmail.com"
Sortant.MotDePasse = "XXXXXXXX"

MonMessage est un Email
MonMessage.Expediteur = "wl@gmail.com"
Ajoute(MonMessage.Destinataire, "test@gmail.com")
MonMessage.Sujet = "Hello from WLanguage"
MonMessage.Message = "Sent by a WLanguage program, read back at once."

// Envoi (SMTP, STARTTLS sur le port 587)
SI PAS EmailOuvreSession(Sortant) ALORS
	Erreur("Cannot open the SMTP session", ErreurInfo())
	RETOUR
FIN
SI EmailEnvoieMessage(Sortant, MonMessage) = Faux ALORS
	Erreur("Sending failed", ErreurInfo())
	EmailFermeSession(Sortant)
	RETOUR
FIN
Info("Sent: " + MonMessage.Sujet)
EmailFermeSession(Sortant)

// Lecture en POP3 (TLS dès la connexion, port 995) : parcourt la boîte jusqu'au plus récent
Entrant est un emailSessionPOP3
Entrant.AdresseServeur = "pop.gmail.com"
Entrant.Port = 995
Entrant.Option = optionSSL
Entrant.Nom = "test@gmail.com"
Entrant.MotDePasse = "XXXXXXXX"
SI EmailOuvreSession(Entrant) ALORS
	Reçu est un Email
	Nombre est un entier
	PlusRécent est une chaîne
	SI EmailLitPremier(Entrant, Reçu) ALORS
		BOUCLE
			Nombre++
			PlusRécent = Reçu.Sujet
			SI PAS EmailLitSuivant(Entrant, Reçu) ALORS SORTIR
		FIN
	FIN
	Info("POP3: " + Nombre + " messages, the newest: " + PlusRécent)
	EmailFermeSession(Entrant)
SINON
	Erreur("Cannot open the POP3 session", ErreurInfo())
FIN

// Lecture en IMAP (TLS dès la connexion, port 993) : les messages pas encore lus
Boîte est un emailSessionIMAP
Boîte.AdresseServeur = "imap.gmail.com"
Boîte.Port = 993
Boîte.Option = optionSSL
Boîte.Nom = "test@gmail.com"
Boîte.MotDePasse = "XXXXXXXX"
SI EmailOuvreSession(Boîte) ALORS
	NonLus est un tableau de Email
	NonLus = EmailRécupèreTout(Boîte, ertNonLus)
	POUR TOUT UnEmail DE NonLus
		SI UnEmail.Sujet = MonMessage.Sujet ALORS
			Info("IMAP: from " + UnEmail.Expediteur + ": " + UnEmail.Message)
		FIN
	FIN
	EmailFermeSession(Boîte)
SINON
	Erreur("Cannot open the IMAP session", ErreurInfo())
FIN
