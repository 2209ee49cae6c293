"""The table of 4D commands and constants fourmail implements.

One line a command: name, 4D command number, documented syntax, implementation
("module:function" inside fourmail.commands), argument count bounds, whether it returns a value.
A name listed with impl None is known to the parser (so code that uses it parses) and raises a
clear 4D error when run (`unavailable` says why).
Every other 4D name comes from the catalog (read by catalog.py, added by the registry), which
also gives each command its theme and its number where a row says None; a number a row gives must
be the catalog's (a test checks).
"""
from .registry import builtin_class as CLASS, command as C, component_class as COMPONENT_CLASS, constant as K

# ---------------------------------------------------------------- classes of the `4D` store
CLASS("File", "files:new_file")
CLASS("Folder", "files:new_folder")
CLASS("SMTPTransporter", "transporters:smtp_new_transporter")
CLASS("IMAPTransporter", "transporters:imap_new_transporter")
CLASS("POP3Transporter", "transporters:pop3_new_transporter")
CLASS("MailAttachment", "mail:new_mail_attachment")
CLASS("IMAPNotifier", "transporters:imap_new_notifier")

# ---------------------------------------------------------------- 4D NetKit (a component: cs.NetKit)
COMPONENT_CLASS("NetKit", "OAuth2Provider", "netkit:new_oauth2_provider")
C("New OAuth2 provider", None, "New OAuth2 provider ( paramObj : Object ) : cs.NetKit.OAuth2Provider",
  "netkit:new_oauth2_provider", 0, 1, theme="4D NetKit")

# ---------------------------------------------------------------- objects and collections
C("New object", 1471, "New object {( property ; value {; property2 ; value2 ; ...} )} -> Object", "objects:new_object")
C("New collection", 1472, "New collection {( value {; value2 ; ...} )} -> Collection", "objects:new_collection")
C("OB Keys", 1719, "OB Keys ( object ) -> Collection", "objects:ob_keys", 1, 1)
C("OB Values", 1718, "OB Values ( object ) -> Collection", "objects:ob_values", 1, 1)
C("OB Entries", 1720, "OB Entries ( object ) -> Collection", "objects:ob_entries", 1, 1)
C("OB Copy", 1225, "OB Copy ( object {; option {; groupWith}} ) -> Object", "objects:ob_copy", 1, 3)
C("OB Is empty", 1297, "OB Is empty ( object ) -> Boolean", "objects:ob_is_empty", 1, 1)
C("OB Is defined", 1231, "OB Is defined ( object {; property} ) -> Boolean", "objects:ob_is_defined", 1, 2)
C("OB Get", 1224, "OB Get ( object ; property ) -> any", "objects:ob_get", 2, 3)
C("OB SET", 1220, "OB SET ( object ; property ; value {; property2 ; value2 ; ...} )", "objects:ob_set", 3, None, False)
C("OB REMOVE", 1226, "OB REMOVE ( object ; property )", "objects:ob_remove", 2, 2, False)
C("JSON Stringify", 1217, "JSON Stringify ( value {; *} ) -> Text", "objects:json_stringify", 1, 2)
C("JSON Parse", 1218, "JSON Parse ( jsonString {; type} ) -> any", "objects:json_parse", 1, 2)
C("Value type", 1509, "Value type ( expression ) -> Integer", "objects:value_type", 1, 1)

# ---------------------------------------------------------------- booleans, null, undefined
C("True", 214, "True -> Boolean", "language:true", 0, 0)
C("False", 215, "False -> Boolean", "language:false", 0, 0)
C("Not", 34, "Not ( boolean ) -> Boolean", "language:not_", 1, 1)
C("Null", 1517, "Null -> Null", "language:null", 0, 0)
C("Form", 1466, "Form -> Object", "language:form", 0, 0)
C("Undefined", 82, "Undefined ( expression ) -> Boolean", "language:undefined", 1, 1)
C("Bool", 1537, "Bool ( expression ) -> Boolean", "language:bool_", 1, 1)

# ---------------------------------------------------------------- text
C("String", 10, "String ( expression {; format {; addTime}} ) -> Text", "text:string", 1, 3)
C("Num", 11, "Num ( expression {; separator} ) -> Real", "text:num", 1, 2)
C("Length", 16, "Length ( string ) -> Integer", "text:length", 1, 1)
C("Uppercase", 13, "Uppercase ( aString {; *} ) -> Text", "text:uppercase", 1, 2)
C("Lowercase", 14, "Lowercase ( aString {; *} ) -> Text", "text:lowercase", 1, 2)
C("Substring", 12, "Substring ( source ; firstChar {; numChars} ) -> Text", "text:substring", 2, 3)
C("Position", 15, "Position ( find ; aString {; start {; lengthFound}}{; *} ) -> Integer", "text:position", 2, 5)
C("Replace string", 233, "Replace string ( source ; oldString ; newString {; howMany}{; *} ) -> Text", "text:replace_string", 3, 5)
C("Split string", 1554, "Split string ( stringToSplit ; separator {; options} ) -> Collection", "text:split_string", 2, 3)
C("Char", 90, "Char ( charCode ) -> Text", "text:char", 1, 1)
C("Character code", 91, "Character code ( character ) -> Integer", "text:character_code", 1, 1)
C("Change string", 234, "Change string ( source ; newChars ; startChar ) -> Text", "text:change_string", 3, 3)
C("Delete string", 232, "Delete string ( source ; where ; numChars ) -> Text", "text:delete_string", 3, 3)
C("Insert string", 231, "Insert string ( source ; what ; where ) -> Text", "text:insert_string", 3, 3)
C("Compare strings", 1756, "Compare strings ( aString ; bString {; options} ) -> Integer", "text:compare_strings", 2, 3)
C("Generate UUID", 1066, "Generate UUID {( * )} -> Text", "text:generate_uuid", 0, 1)

# ---------------------------------------------------------------- numbers
C("Int", 8, "Int ( number ) -> Real", "numbers:int_", 1, 1)
C("Abs", 99, "Abs ( number ) -> Real", "numbers:abs_", 1, 1)
C("Round", 94, "Round ( round ; places ) -> Real", "numbers:round_", 2, 2)
C("Trunc", 95, "Trunc ( number ; places ) -> Real", "numbers:trunc", 2, 2)
C("Mod", 98, "Mod ( number1 ; number2 ) -> Real", "numbers:mod", 2, 2)
C("Dec", 9, "Dec ( number ) -> Real", "numbers:dec", 1, 1)
C("Random", 100, "Random -> Integer", "numbers:random_", 0, 0)
C("Square root", 539, "Square root ( number ) -> Real", "numbers:square_root", 1, 1)

# ---------------------------------------------------------------- dates and times
C("Current date", 33, "Current date {( * )} -> Date", "dates:current_date", 0, 1)
C("Current time", 178, "Current time {( * )} -> Time", "dates:current_time", 0, 1)
C("Timestamp", 1445, "Timestamp -> Text", "dates:timestamp", 0, 0)
C("Milliseconds", 459, "Milliseconds -> Integer", "dates:milliseconds", 0, 0)
C("Tickcount", 458, "Tickcount -> Integer", "dates:tickcount", 0, 0)
C("Date", 102, "Date ( expression ) -> Date", "dates:date", 1, 1)
C("Time", 179, "Time ( timeValue ) -> Time", "dates:time", 1, 1)
C("Time string", 180, "Time string ( seconds ) -> Text", "dates:time_string", 1, 1)
C("Add to date", 393, "Add to date ( date ; years ; months ; days ) -> Date", "dates:add_to_date", 4, 4)
C("Day of", 23, "Day of ( date ) -> Integer", "dates:day_of", 1, 1)
C("Month of", 24, "Month of ( date ) -> Integer", "dates:month_of", 1, 1)
C("Year of", 25, "Year of ( date ) -> Integer", "dates:year_of", 1, 1)
C("Day number", 114, "Day number ( date ) -> Integer", "dates:day_number", 1, 1)

# ---------------------------------------------------------------- blobs
C("BLOB size", 605, "BLOB size ( blob ) -> Integer", "blobs:blob_size", 1, 1)
C("BLOB to text", 555, "BLOB to text ( blob ; textFormat {; offset {; textLength}} ) -> Text", "blobs:blob_to_text", 2, 4)
C("Convert to text", 1012, "Convert to text ( blob ; charSet ) -> Text", "blobs:convert_to_text", 2, 2)
C("BASE64 ENCODE", 895, "BASE64 ENCODE ( toEncode {; encoded}{; *} )", "blobs:base64_encode", 1, 3, False)
C("BASE64 DECODE", 896, "BASE64 DECODE ( toDecode {; decoded}{; *} )", "blobs:base64_decode", 1, 3, False)

# ---------------------------------------------------------------- dialogs (terminal front end)
C("ALERT", 41, "ALERT ( message {; okButtonTitle} )", "dialogs:alert", 1, 2, False)
C("Request", 163, "Request ( message {; defaultResponse {; OKButtonTitle {; CancelButtonTitle}}} ) -> Text",
  "dialogs:request", 1, 4)
C("CONFIRM", 162, "CONFIRM ( message {; okButtonTitle {; cancelButtonTitle}} )", "dialogs:confirm", 1, 3, False)
C("MESSAGE", 88, "MESSAGE ( message )", "dialogs:message", 1, 1, False)
C("Select document", 905, "Select document ( directory ; fileTypes ; title ; options {; selected} ) -> Text",
  "dialogs:select_document", 4, 5)

# ---------------------------------------------------------------- files
C("File", 1566, "File ( path : Text { ; pathType : Integer }{ ; * } ) : 4D.File", "files:file", 1, 3)
C("Folder", 1567, "Folder ( path : Text { ; pathType : Integer }{ ; * } ) : 4D.Folder", "files:folder", 1, 3)

# ---------------------------------------------------------------- errors and execution
C("ON ERR CALL", 155, "ON ERR CALL ( errorMethod {; scope} )", "errors:on_err_call", 1, 2, False)
C("Method called on error", 704, "Method called on error {( scope )} -> Text", "errors:method_called_on_error", 0, 1)
C("Last errors", 1799, "Last errors : Collection", "errors:last_errors", 0, 0)
C("throw", 1805, "throw ( errorCode {; description} ) | throw ( errorObj ) | throw", "errors:throw", 0, 2, False)
C("ABORT", 156, "ABORT", "errors:abort", 0, 0, False)
C("ASSERT", 1129, "ASSERT ( boolExpression {; messageText} )", "errors:assert_", 1, 2, False)
C("TRACE", 157, "TRACE", "errors:trace", 0, 0, False)
C("Count parameters", 259, "Count parameters -> Integer", "errors:count_parameters", 0, 0)
C("EXECUTE METHOD", 1007, "EXECUTE METHOD ( methodName {; result {; param}{; param2 ; ... ; paramN}} )",
  "errors:execute_method", 1, None, False)
C("Error method", None, "Error method -> Text (system variable)", "errors:error_method", 0, 0)
C("Error line", None, "Error line -> Integer (system variable)", "errors:error_line", 0, 0)
C("Error formula", None, "Error formula -> Text (system variable)", "errors:error_formula", 0, 0)
C("Current method name", 684, "Current method name -> Text", "errors:current_method_name", 0, 0)

# ---------------------------------------------------------------- legacy declarations (compile-time)
for _t in ("TEXT", "LONGINT", "INTEGER", "REAL", "BOOLEAN", "OBJECT", "COLLECTION", "BLOB", "DATE", "TIME",
           "VARIANT", "POINTER", "PICTURE"):
    C("C_" + _t, None, f"C_{_t} ( variable {{; variable2 ; ... ; variableN}} )", None, 1, None, False,
      summary="deprecated declaration, same as var")

# ---------------------------------------------------------------- mail (each arrives with its issue)
C("SMTP New transporter", 1608, "SMTP New transporter( server : Object ) : 4D.SMTPTransporter",
  "transporters:smtp_new_transporter", 1, 1)
C("IMAP New transporter", 1723, "IMAP New transporter( server : Object ) : 4D.IMAPTransporter",
  "transporters:imap_new_transporter", 1, 1)
C("POP3 New transporter", 1697, "POP3 New transporter( server : Object ) : 4D.POP3Transporter",
  "transporters:pop3_new_transporter", 1, 1)
C("MAIL Convert from MIME", 1681, "MAIL Convert from MIME( mime : Blob | Text ) : Object",
  "mail:mail_convert_from_mime", 1, 1)
C("MAIL Convert to MIME", 1604, "MAIL Convert to MIME( mail : Object { ; options : Object } ) : Text",
  "mail:mail_convert_to_mime", 1, 2)
C("MAIL New attachment", 1644, "MAIL New attachment( file : 4D.File | zipFile : 4D.ZipFile | blob : 4D.Blob"
  " | path : Text { ; name : Text { ; cid : Text { ; type : Text { ; disposition : Text } } } } ) : 4D.MailAttachment",
  "mail:mail_new_attachment", 1, 5)

# ---------------------------------------------------------------- 4D Write Pro (named by the docs, not provided)
C("WP EXPORT VARIABLE", 1319, "WP EXPORT VARIABLE ( wpDoc ; destination ; format {; option} )", None, 3, 4, False,
  unavailable="needs 4D Write Pro, which fourmail does not have", theme="4D Write Pro")
K("wk mime html", 1, "4D Write Pro")
K("wk docx", 7, "4D Write Pro")

# ---------------------------------------------------------------- mail constants (CATALOG.md section d)
K("IMAP all", 1, "IMAP")
K("IMAP read only state", 1, "IMAP")
K("IMAP read write state", 0, "IMAP")
for _proto in ("IMAP", "POP3", "SMTP"):
    K(f"{_proto} authentication CRAM MD5", "CRAM-MD5", "Mail")
    K(f"{_proto} authentication login", "LOGIN", "Mail")
    K(f"{_proto} authentication OAUTH2", "OAUTH2", "Mail")
    K(f"{_proto} authentication plain", "PLAIN", "Mail")
K("POP3 authentication APOP", "APOP", "Mail")
K("mail mode ISO2022JP", "US-ASCII_ISO-2022-JP_UTF8_QP", "Mail")
K("mail mode ISO88591", "ISO-8859-1", "Mail")
K("mail mode UTF8", "US-ASCII_UTF8_QP", "Mail")
K("mail mode UTF8 in base64", "US-ASCII_UTF8_B64", "Mail")
K("mail disposition attachment", "attachment", "Mail")
K("mail disposition inline", "inline", "Mail")

# ---------------------------------------------------------------- language constants
K("ek local", 0, "Errors")
K("ek global", 1, "Errors")
K("ek errors from components", 2, "Errors")
K("fk posix path", 0, "Files")
K("fk platform path", 1, "Files")
K("SMTP log file", 15, "Files")
K("IMAP Log file", 23, "Files")
# the other `File(fileConstant)` constants of file.md
for _name, _value in (("Backup history file", 19), ("Backup log file", 13), ("Backup settings file", 1),
                      ("Backup settings file for data", 17), ("Build application log file", 14),
                      ("Build application settings file", 20), ("Compacting log file", 6),
                      ("Current backup settings file", 18), ("Debug log file", 12), ("Diagnostic log file", 11),
                      ("Directory file", 16), ("HTTP Client log file", 24), ("HTTP debug log file", 9),
                      ("HTTP log file", 8), ("Last backup file", 2), ("Last journal integration log file", 22),
                      ("Repair log file", 7), ("Request log file", 10), ("User settings file", 3),
                      ("User settings file for data", 4), ("Verification log file", 5)):
    K(_name, _value, "Files")
K("Read mode", 2, "")               # quick-tour.md: "`Read Mode` is a constant (value 2)"
K("sk ignore empty strings", 1, "Strings")
K("sk trim spaces", 2, "Strings")
K("sk strict", 0, "Strings")
K("sk char codes", 1, "Strings")
K("sk case insensitive", 2, "Strings")
K("sk diacritic insensitive", 4, "Strings")
K("sk whole word", 32, "Strings")
K("Tab", 9, "ASCII Codes")
K("Line feed", 10, "ASCII Codes")
K("Carriage return", 13, "ASCII Codes")
K("Space", 32, "ASCII Codes")
K("Double quote", 34, "ASCII Codes")
K("At sign", 64, "ASCII Codes")
K("Is real", 1, "Field and Variable Types")
K("Is text", 2, "Field and Variable Types")
K("Is picture", 3, "Field and Variable Types")
K("Is date", 4, "Field and Variable Types")
K("Is undefined", 5, "Field and Variable Types")
K("Is boolean", 6, "Field and Variable Types")
K("Is longint", 9, "Field and Variable Types")
K("Is time", 11, "Field and Variable Types")
K("Is variant", 12, "Field and Variable Types")
K("Is pointer", 23, "Field and Variable Types")
K("Is BLOB", 30, "Field and Variable Types")
K("Is object", 38, "Field and Variable Types")
K("Is collection", 42, "Field and Variable Types")
K("Is null", 255, "Field and Variable Types")
K("UTF8 C string", 4, "BLOB")
K("UTF8 text with length", 5, "BLOB")
K("UTF8 text without length", 6, "BLOB")

# Date and time display formats (string.md)
for _name, _value in (("Blank if null date", 100), ("Date RFC 1123", 10), ("Internal date abbreviated", 6),
                      ("Internal date long", 5), ("Internal date short", 7), ("Internal date short special", 4),
                      ("ISO Date", 8), ("ISO Date GMT", 9), ("System date abbreviated", 2),
                      ("System date long", 3), ("System date short", 1)):
    K(_name, _value, "Date Display Formats")
for _name, _value in (("Blank if null time", 100), ("HH MM", 2), ("HH MM AM PM", 5), ("HH MM SS", 1),
                      ("Hour min", 4), ("Hour min sec", 3), ("ISO time", 8), ("Min sec", 7), ("MM SS", 6),
                      ("System time long", 11), ("System time long abbreviated", 10), ("System time short", 9)):
    K(_name, _value, "Time Display Formats")

# ---------------------------------------------------------------- shared objects and collections (shared.md)
C("New shared object", 1526, "New shared object {( property ; value {; property2 ; value2 ; ...} )} -> Object",
  "sharing:new_shared_object")
C("New shared collection", 1527, "New shared collection {( value {; value2 ; ...} )} -> Collection",
  "sharing:new_shared_collection")
C("Storage", 1525, "Storage -> Object", "sharing:storage", 0, 0)
C("OB Is shared", 1759, "OB Is shared ( toCheck ) -> Boolean", "sharing:ob_is_shared", 1, 1)
K("ck resolve pointers", 1, "Objects (Language)")
K("ck shared", 2, "Objects (Language)")

# ---------------------------------------------------------------- arrays and pointers (arrays.md, dt_pointer.md)
for _kind, _number in (("TEXT", 222), ("LONGINT", 221), ("INTEGER", 220), ("REAL", 219), ("BOOLEAN", 223),
                       ("DATE", 224), ("TIME", 1223), ("OBJECT", 1221), ("POINTER", 280), ("PICTURE", 279),
                       ("BLOB", 1222)):
    C("ARRAY " + _kind, _number, f"ARRAY {_kind} ( arrayName ; size {{; size2}} )", "arrays:array_" + _kind.lower(),
      2, 3, False)
C("Size of array", 274, "Size of array ( array ) -> Integer", "arrays:size_of_array", 1, 1)
C("APPEND TO ARRAY", 911, "APPEND TO ARRAY ( array ; value )", "arrays:append_to_array", 2, 2, False)
C("INSERT IN ARRAY", 227, "INSERT IN ARRAY ( array ; where {; howMany} )", "arrays:insert_in_array", 2, 3, False)
C("DELETE FROM ARRAY", 228, "DELETE FROM ARRAY ( array ; where {; howMany} )", "arrays:delete_from_array", 2, 3, False)
C("Find in array", 230, "Find in array ( array ; value {; start} ) -> Integer", "arrays:find_in_array", 2, 3)
C("Find in sorted array", 1333, "Find in sorted array ( array ; value ; > or < {; posFirst {; posLast}} ) -> Boolean",
  "arrays:find_in_sorted_array", 3, 5)
C("Count in array", 907, "Count in array ( array ; value ) -> Integer", "arrays:count_in_array", 2, 2)
C("SORT ARRAY", 229, "SORT ARRAY ( array {; array2 ; ... ; arrayN}{; > or <} )", "arrays:sort_array", 1, None, False)
C("MULTI SORT ARRAY", 718, "MULTI SORT ARRAY ( array ; > or < {; array2 ; > or < ; ...} ) | "
  "MULTI SORT ARRAY ( ptrArrayName ; sortArrayName )", "arrays:multi_sort_array", 2, None, False)
C("COPY ARRAY", 226, "COPY ARRAY ( source ; destination )", "arrays:copy_array", 2, 2, False)
C("COLLECTION TO ARRAY", 1562, "COLLECTION TO ARRAY ( collection ; array {; propertyName}{; array2 ; propertyName2 ; ...} )",
  "arrays:collection_to_array", 2, None, False)
C("ARRAY TO COLLECTION", 1563, "ARRAY TO COLLECTION ( collection ; array {; propertyName}{; array2 ; propertyName2 ; ...} )",
  "arrays:array_to_collection", 2, None, False)
C("CLEAR VARIABLE", 89, "CLEAR VARIABLE ( variable )", "arrays:clear_variable", 1, 1, False)
C("Get pointer", 304, "Get pointer ( varName ) -> Pointer", "pointers:get_pointer", 1, 1)
C("Is nil pointer", 315, "Is nil pointer ( aPointer ) -> Boolean", "pointers:is_nil_pointer", 1, 1)
C("Is a variable", 294, "Is a variable ( aPointer ) -> Boolean", "pointers:is_a_variable", 1, 1)
C("RESOLVE POINTER", 394, "RESOLVE POINTER ( aPointer ; varName ; tableNum ; fieldNum )", "pointers:resolve_pointer",
  4, 4, False)
C("Type", 295, "Type ( fieldVar ) -> Integer", "pointers:type_", 1, 1)
C("Match regex", 1019, "Match regex ( pattern ; aString {; start {; pos_found ; length_found}}{; *} ) -> Boolean",
  "pointers:match_regex", 2, 6)
for _name, _value in (("Array 2D", 13), ("Blob array", 31), ("Boolean array", 22), ("Date array", 17),
                      ("Integer array", 15), ("LongInt array", 16), ("Object array", 39), ("Picture array", 19),
                      ("Pointer array", 20), ("Real array", 14), ("String array", 21), ("Text array", 18),
                      ("Time array", 32), ("Is integer", 8), ("Is string var", 24)):
    K(_name, _value, "Field and Variable Types")

# ---------------------------------------------------------------- common commands of real code (issue 12, item 8)
C("Choose", 955, "Choose ( criterion ; value {; value2 ; ... ; valueN} ) -> any", "language:choose", 2, None)
C("Localized string", 991, "Localized string ( resName ) -> Text", "environment:localized_string", 1, 1)
C("OB Get type", 1230, "OB Get type ( object ; property ) -> Integer", "objects:ob_get_type", 2, 2)
C("OB Class", 1730, "OB Class ( object ) -> Object", "objects:ob_class", 1, 1)
C("OB Instance of", 1731, "OB Instance of ( object ; class ) -> Boolean", "objects:ob_instance_of", 2, 2)
C("Arctan", 20, "Arctan ( number ) -> Real", "numbers:arctan", 1, 1)
C("Log", 22, "Log ( number ) -> Real", "numbers:log", 1, 1)
C("Asserted", 1132, "Asserted ( boolExpression {; messageText} ) -> Boolean", "errors:asserted", 1, 2)
C("TEXT TO BLOB", 554, "TEXT TO BLOB ( text ; blob {; textFormat {; offset | *}} )", "blobs:text_to_blob", 2, 4, False)
C("SET BLOB SIZE", 606, "SET BLOB SIZE ( blob ; size {; filler} )", "blobs:set_blob_size", 2, 3, False)
C("Test path name", 476, "Test path name ( pathname ) -> Integer", "documents:test_path_name", 1, 1)
C("Document to text", 1236, "Document to text ( fileName {; charSet {; breakMode}} ) -> Text",
  "documents:document_to_text", 1, 3)
C("CREATE FOLDER", 475, "CREATE FOLDER ( folderPath {; *} )", "documents:create_folder", 1, 2, False)
C("DELETE DOCUMENT", 159, "DELETE DOCUMENT ( document )", "documents:delete_document", 1, 1, False)
C("Get 4D folder", 485, "Get 4D folder {( folder {; options} {; *} )} -> Text", "environment:get_4d_folder", 0, 3)
C("Temporary folder", 486, "Temporary folder -> Text", "environment:temporary_folder", 0, 0)
C("System folder", 487, "System folder {( type )} -> Text", "environment:system_folder", 0, 1)
C("Is macOS", 1572, "Is macOS -> Boolean", "environment:is_macos", 0, 0)
C("Is Windows", 1573, "Is Windows -> Boolean", "environment:is_windows", 0, 0)
C("Application info", 1599, "Application info -> Object", "environment:get_application_info", 0, 0)
C("Get application info", None, "Get application info -> Object (former name of Application info)",
  "environment:get_application_info", 0, 0)
C("Current user", 182, "Current user -> Text", "environment:current_user", 0, 0)

import os as _os  # noqa: E402  (Folder separator is the platform's)
from ..runtime import collections as _ck  # noqa: E402  (the values collection functions read)
for _n, _v in enumerate(("January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"), 1):
    K(_v, _n, "Days and Months")
K("MAXLONG", 2147483647, "Math")
K("Folder separator", _os.sep, "System Documents")
K("Is a document", 1, "System Documents")
K("Is a folder", 0, "System Documents")
for _name, _value in (("Document unchanged", 0), ("Document with native format", 1), ("Document with CRLF", 2),
                      ("Document with CR", 3), ("Document with LF", 4)):
    K(_name, _value, "System Documents")
for _name, _value in (("Mac C string", 0), ("Mac Pascal string", 1), ("Mac text with length", 2),
                      ("Mac text without length", 3)):
    K(_name, _value, "BLOB")
for _name, _value in (("Active 4D Folder", 0), ("Licenses Folder", 1), ("4D Client Database Folder", 3),
                      ("Database folder", 4), ("Database folder UNIX syntax", 5), ("Current resources folder", 6),
                      ("Logs folder", 7), ("HTML Root Folder", 8), ("Data folder", 9), ("MobileApps folder", 10)):
    K(_name, _value, "4D Environment")
for _name, _value in (("System", 0), ("Fonts", 1), ("User Preferences_All", 2), ("User Preferences_User", 3),
                      ("Startup Win_All", 4), ("Startup Win_User", 5), ("Start Menu Win_All", 8),
                      ("Start Menu Win_User", 9), ("System Win", 12), ("System32 Win", 13), ("Favorites Win", 14),
                      ("Desktop", 15), ("Applications or Program Files", 16), ("Documents folder", 17),
                      ("Home folder", 18)):
    K(_name, _value, "System Folder")
for _name, _value in (("ck ascending", _ck.CK_ASCENDING), ("ck descending", _ck.CK_DESCENDING),
                      ("ck keep null", _ck.CK_KEEP_NULL), ("ck ignore null or empty", _ck.CK_IGNORE_NULL_OR_EMPTY),
                      ("ck diacritical", _ck.CK_DIACRITICAL), ("ck count values", _ck.CK_COUNT_VALUES)):
    K(_name, _value, "Objects and collections")

# ---------------------------------------------------------------- formulas (4D.Function)
CLASS("Function", "formulas:new_function")
C("Formula", 1597, "Formula ( formulaExp ) -> 4D.Function", "formulas:formula", 1, 1)
C("Formula from string", 1601, "Formula from string ( formulaString {; context} ) -> 4D.Function",
  "formulas:formula_from_string", 1, 2)
K("sk execute in current database", 0, "Formulas")
K("sk execute in host database", 1, "Formulas")

# ---------------------------------------------------------------- processes and workers (processes.md)
C("CALL WORKER", 1389, "CALL WORKER ( process : Text, Integer ; formula : Object, Text {; ...param : Expression} )",
  "processes:call_worker", 2, None, False)
C("KILL WORKER", 1390, "KILL WORKER {( process : Text, Integer )}", "processes:kill_worker", 0, 1, False)
C("New process", 317, "New process ( method : Text ; stack : Integer {; name : Text {; ...param : Expression}}{; *} )"
  " : Integer", "processes:new_process", 2, None)
C("Current process", 322, "Current process : Integer", "processes:current_process", 0, 0)
C("Current process name", 1392, "Current process name : Text", "processes:current_process_name", 0, 0)
C("Process number", 372, "Process number ( name : Text {; *} ) : Integer", "processes:process_number", 1, 2)
C("Process state", 330, "Process state ( process : Integer ) : Integer", "processes:process_state", 1, 1)
C("DELAY PROCESS", 323, "DELAY PROCESS ( process : Integer ; duration : Real )", "processes:delay_process", 2, 2, False)
for _name, _value in (("Does not exist", -100), ("Aborted", -1), ("Executing", 0), ("Delayed", 1),
                      ("Waiting for user event", 2), ("Waiting for input output", 3),
                      ("Waiting for internal flag", 4), ("Paused", 5)):
    K(_name, _value, "Process state")
